// The network knobs of the registry client, checked once where a client is
// made: how many blob transfers run at once, how often a request is tried,
// how long a connection may take to open or sit idle.
import { z } from 'zod'
import { ErrorCode, GostaticError } from '../errors.js'
import { DEFAULT_RETRY, type RetryBudget } from './retry-policy.js'

const ms = z.number().int().positive()
export const RegistryNetworkSchema = z.object({
  /** Blob uploads and downloads at once across the whole process (default 4). */
  registryConcurrency: z.number().int().min(1).max(64).optional(),
  /** Tries of an idempotent request (default 5) and the time they may take in all (default 60 000 ms). */
  registryRetry: z
    .object({ tries: z.number().int().min(1).max(20).optional(), maxElapsedMs: ms.optional() })
    .optional(),
  /** ms to open a connection (default 30 000) and to wait for the next bytes of an answer (default 120 000). */
  registryTimeouts: z.object({ connectMs: ms.optional(), idleMs: ms.optional() }).optional(),
})
export type RegistryNetworkOptions = z.infer<typeof RegistryNetworkSchema>

export const DEFAULT_CONNECT_MS = 30_000
export const DEFAULT_IDLE_MS = 120_000
export const DEFAULT_CONCURRENCY = 4

export interface NetworkSettings {
  readonly retry: RetryBudget
  readonly connectMs: number
  readonly idleMs: number
  readonly concurrency: number | undefined
}

export function networkSettings(opts: RegistryNetworkOptions): NetworkSettings {
  const picked = {
    registryConcurrency: opts.registryConcurrency,
    registryRetry: opts.registryRetry,
    registryTimeouts: opts.registryTimeouts,
  }
  const r = RegistryNetworkSchema.safeParse(picked)
  if (!r.success)
    throw new GostaticError(ErrorCode.INVALID_CONFIG, `registry options:\n${z.prettifyError(r.error)}`, {
      hint: 'registryConcurrency is 1–64; registryRetry.tries 1–20; times are whole milliseconds above 0',
    })
  const o = r.data
  return {
    retry: { ...DEFAULT_RETRY, ...definedOnly(o.registryRetry ?? {}) },
    connectMs: o.registryTimeouts?.connectMs ?? DEFAULT_CONNECT_MS,
    idleMs: o.registryTimeouts?.idleMs ?? DEFAULT_IDLE_MS,
    concurrency: o.registryConcurrency,
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
