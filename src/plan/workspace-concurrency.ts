// How many services of a workspace build at once, when the caller does not say.

/**
 * The default on the Dagger engine. The work runs on the engine, whose cores
 * (and other clients) this machine cannot see; per service in flight the
 * client holds little more than its binaries. A fixed bound keeps one
 * client from queueing every service of a large workspace on an engine that
 * others share, while still overlapping a few services' execs and transfers.
 */
export const DAGGER_SERVICE_CONCURRENCY = 8

/** Services built at once: the caller's number, else the CPU count on the local engine (go uses them all). */
export function serviceConcurrency(engine: 'local' | 'dagger', requested: number | undefined, cpus: number): number {
  if (requested !== undefined) return Math.max(1, Math.floor(requested))
  return engine === 'local' ? Math.max(1, cpus) : DAGGER_SERVICE_CONCURRENCY
}
