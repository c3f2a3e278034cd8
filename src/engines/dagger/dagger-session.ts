// One Dagger session for a build or a whole workspace. The SDK keeps a single
// global client that connection() sets and clears, so concurrent builds must
// share one session rather than each open their own.
import { connection, dag, EngineSessionError, type Client } from '@dagger.io/dagger'
import { sessionError, translateDaggerError } from './dagger-errors.js'
import { checkEngineVersion } from './dagger-version-check.js'

/**
 * Runs `fn` inside one Dagger session, once its engine's version matches the SDK's; errors come out as
 * GostaticErrors where the SDK's class says what they are.
 */
export async function withDaggerSession<T>(what: string, fn: (dag: Client) => Promise<T>): Promise<T> {
  // connection() wraps whatever the callback throws in its own Error; keep
  // ours as thrown, so a build error keeps its code.
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined
  const stray = catchStraySessionError()
  try {
    await connection(async () => {
      stray.stop()
      try {
        await checkEngineVersion(dag)
        outcome = { ok: true, value: await fn(dag) }
      } catch (error) {
        outcome = { ok: false, error }
      }
    })
  } catch (e) {
    // The callback never ran: no session could be opened.
    if (outcome === undefined) throw sessionError((await stray.settled()) ?? e)
    if (outcome.ok) throw translateDaggerError(e, what)
  } finally {
    stray.stop()
  }
  if (!outcome!.ok) throw translateDaggerError(outcome!.error, what)
  return outcome!.value
}

/**
 * When `dagger session` exits before it prints its connect params, SDK 0.21.9
 * (provisioning/bin.js, readConnectParams) rejects a promise nobody awaits
 * with the EngineSessionError that says why, and throws a TypeError of its
 * own instead. Left alone, that rejection kills the process with a stack
 * trace. While the session opens, this takes it as the session's error;
 * any other unhandled rejection keeps Node's default when nobody else listens.
 */
function catchStraySessionError(): { stop(): void; settled(): Promise<EngineSessionError | undefined> } {
  let caught: EngineSessionError | undefined
  const listener = (reason: unknown) => {
    if (reason instanceof EngineSessionError) caught = reason
    else if (process.listenerCount('unhandledRejection') === 1) throw reason
  }
  process.on('unhandledRejection', listener)
  return {
    stop: () => void process.off('unhandledRejection', listener),
    // Node reports unhandled rejections once the microtasks drain: one macrotask later it has.
    settled: async () => {
      await new Promise((r) => setImmediate(r))
      return caught
    },
  }
}
