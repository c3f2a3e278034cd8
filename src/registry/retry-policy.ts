// When a registry request is tried again, and after how long. Pure: the
// clock and the random source are arguments, so the rules are unit-tested.
// Retried: 429 and the gateway statuses (502, 503, 504), and a connection
// that was reset or timed out; never a 4xx that says the request is wrong.

export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504])

/** Node and undici codes for a connection that broke or stalled: worth another try. */
const RETRY_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
])

export function retryableCode(code: string | undefined): boolean {
  return code !== undefined && RETRY_CODES.has(code)
}

export interface RetryBudget {
  /** Tries in all, the first included. */
  readonly tries: number
  /** No new try starts after this many ms since the first. */
  readonly maxElapsedMs: number
  /** The first backoff; each next one doubles, up to maxDelayMs. */
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

export const DEFAULT_RETRY: RetryBudget = { tries: 5, maxElapsedMs: 60_000, baseDelayMs: 500, maxDelayMs: 10_000 }

/** Retry-After as delta-seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined
  const t = header.trim()
  if (/^\d+$/.test(t)) return Number(t) * 1000
  const at = Date.parse(t)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/**
 * The wait before try `attempt + 1` (attempt counts from 1): "full jitter"
 * exponential backoff, but never shorter than the registry's Retry-After.
 * undefined when the budget cannot afford another try.
 */
export function nextDelay(
  budget: RetryBudget,
  attempt: number,
  elapsedMs: number,
  retryAfter: number | undefined,
  random: number,
): number | undefined {
  if (attempt >= budget.tries) return undefined
  const cap = Math.min(budget.maxDelayMs, budget.baseDelayMs * 2 ** (attempt - 1))
  const delay = Math.max(retryAfter ?? 0, Math.round(cap / 2 + (cap / 2) * random))
  return elapsedMs + delay > budget.maxElapsedMs ? undefined : delay
}
