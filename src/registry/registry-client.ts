// One registry's HTTP API with authentication handled: a request goes out
// as it is; a 401 is answered once, with a bearer token (token flow) or
// Basic credentials, and the request is sent again. Tokens are kept per
// scope set so a push never fetches one per blob. Requests that are safe to
// repeat are tried again on 429, 502-504, resets and timeouts (retry-policy.ts),
// and a blob download holds a slot of the process-wide transfer limit.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Response } from 'undici'
import { ErrorCode, GostaticError } from '../errors.js'
import { findCredentials, type FoundCredentials } from './credentials.js'
import { registryBaseUrl, safeForCredentials } from './endpoint.js'
import { networkSettings, type NetworkSettings } from './network-options.js'
import { failureCode, networkError, responseError, tooLarge } from './registry-errors.js'
import type { RegistryOptions } from './registry-options.js'
import { nextDelay, retryableCode, retryAfterMs, RETRY_STATUSES, type RetryBudget } from './retry-policy.js'
import { fetchBearerToken } from './token-auth.js'
import { releaseWithBody, transfers } from './transfer-limiter.js'
import { send, type SendInit, type TransportSettings } from './transport.js'
import { parseWwwAuthenticate, type Challenge } from './www-authenticate.js'

export interface RegistryRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** A path under the API ('/v2/...'), or an absolute URL (an upload Location). */
  readonly url: string
  /** Token scopes this request needs, e.g. 'repository:team/app:pull,push'. */
  readonly scopes: readonly string[]
  /** For messages: 'pulling manifest 127.0.0.1:5000/test/busybox:1'. */
  readonly doing: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: Buffer
  /** Statuses handed back rather than thrown (404 for HEAD, 202 and so on are always fine). */
  readonly pass?: readonly number[]
  /** Sending it twice does what sending it once does (a manifest PUT of fixed bytes): retried like a GET. */
  readonly repeatable?: boolean
}

/** What one exchange saw before its answer: '503', 'ECONNRESET', one per try. */
interface Exchange {
  readonly res: Response
  readonly seen: readonly string[]
  readonly t0: number
}

export class RegistryClient {
  readonly registry: string
  readonly baseUrl: string
  readonly #opts: RegistryOptions
  readonly #net: NetworkSettings
  readonly #transport: TransportSettings
  #found: Promise<FoundCredentials | undefined> | undefined
  #basic: string | undefined
  #bearer: Challenge | undefined
  readonly #tokens = new Map<string, string>()

  constructor(registry: string, opts: RegistryOptions = {}) {
    this.registry = registry
    this.baseUrl = registryBaseUrl(registry)
    this.#opts = opts
    this.#net = networkSettings(opts)
    if (this.#net.concurrency !== undefined) transfers.setLimit(this.#net.concurrency)
    const env = opts.env ?? process.env
    this.#transport = { env, connectMs: this.#net.connectMs, idleMs: this.#net.idleMs, signal: opts.signal }
  }

  /** The retry budget this client's requests follow (an upload's restarts follow it too). */
  get retryBudget(): RetryBudget {
    return this.#net.retry
  }

  /** Waits `ms`, or throws CANCELLED when the client's signal fires first. */
  async pause(ms: number, doing: string): Promise<void> {
    try {
      await sleep(ms, undefined, this.#opts.signal ? { signal: this.#opts.signal } : {})
    } catch {
      throw new GostaticError(ErrorCode.CANCELLED, `${doing} at ${this.registry} was cancelled`)
    }
  }

  url(path: string): URL {
    return new URL(path, this.baseUrl)
  }

  async fetch(req: RegistryRequest): Promise<Response> {
    const url = this.url(req.url)
    const download = req.method === 'GET' && /\/blobs\/sha256:/.test(url.pathname)
    const release = download ? await transfers.acquire() : undefined
    try {
      const res = await this.#fetch(req, url)
      return release ? releaseWithBody(res, release) : res
    } catch (e) {
      release?.()
      throw e
    }
  }

  async #fetch(req: RegistryRequest, url: URL): Promise<Response> {
    // A known bearer realm: get the token for new scopes before sending, not after a 401.
    if (this.#bearer && !this.#basic && !this.#tokens.has(scopeKey(req.scopes)))
      await this.#authorize([this.#bearer], req.scopes)
    let ex = await this.#exchange(req, url)
    if (ex.res.status === 401) {
      const challenges = parseWwwAuthenticate(ex.res.headers.get('www-authenticate'))
      await ex.res.body?.cancel()
      await this.#authorize(challenges, req.scopes, req.doing, ex.res)
      ex = await this.#exchange(req, url)
    }
    const { res } = ex
    if (res.ok || req.pass?.includes(res.status)) return res
    const err = await responseError(this.registry, res, req.doing, { tried: (await this.#found)?.from })
    throw withTries(err, req.method, url, ex)
  }

  /** The response body, at most `limit` bytes; a dropped connection is REGISTRY_UNREACHABLE. */
  async body(res: Response, doing: string, limit = Number.MAX_SAFE_INTEGER): Promise<Buffer> {
    const chunks: Buffer[] = []
    let n = 0
    try {
      // Leaving the loop early cancels the stream (the iterator's return), so nothing more is read.
      for await (const chunk of res.body ?? []) {
        n += chunk.length
        if (n > limit) break
        chunks.push(Buffer.from(chunk))
      }
    } catch (e) {
      throw networkError(this.registry, res.url, doing, e)
    }
    if (n > limit) throw tooLarge(this.registry, doing, limit)
    return Buffer.concat(chunks)
  }

  /** One request with its retries; the caller turns a final bad status into an error. */
  async #exchange(req: RegistryRequest, url: URL): Promise<Exchange> {
    const headers: Record<string, string> = { ...req.headers }
    const auth = this.#basic ?? this.#tokenFor(req.scopes)
    // Only to the registry itself: an upload Location may point at other storage.
    if (auth && url.origin === new URL(this.baseUrl).origin) headers['authorization'] = auth
    const retry = req.method === 'GET' || req.method === 'HEAD' || req.repeatable === true
    return this.#retrying(url, { method: req.method, headers, body: req.body }, req.doing, retry)
  }

  /** Sends through the transport, and again while the policy allows (only when `retry`). */
  async #retrying(url: URL, init: SendInit, doing: string, retry: boolean): Promise<Exchange> {
    const seen: string[] = []
    const t0 = Date.now()
    for (let attempt = 1; ; attempt++) {
      let res: Response | undefined
      let failure: unknown
      try {
        res = await send(url, init, this.#transport)
      } catch (e) {
        failure = e
      }
      const code = res ? undefined : failureCode(failure)
      seen.push(res ? String(res.status) : (code ?? 'network error'))
      const again = retry && (res ? RETRY_STATUSES.has(res.status) : retryableCode(code))
      const wait = again
        ? nextDelay(
            this.#net.retry,
            attempt,
            Date.now() - t0,
            retryAfterMs(res?.headers.get('retry-after') ?? null, Date.now()),
            Math.random(),
          )
        : undefined
      if (wait === undefined) {
        if (res) return { res, seen, t0 }
        throw withTries(networkError(this.registry, url.toString(), doing, failure), init.method, url, { seen, t0 })
      }
      await res?.body?.cancel()
      await this.pause(wait, doing)
    }
  }

  #tokenFor(scopes: readonly string[]): string | undefined {
    const t = this.#tokens.get(scopeKey(scopes))
    return t === undefined ? undefined : `Bearer ${t}`
  }

  async #authorize(challenges: Challenge[], scopes: readonly string[], doing?: string, res?: Response): Promise<void> {
    this.#found ??= findCredentials(this.registry, this.#opts)
    const found = await this.#found
    const bearer = challenges.find((c) => c.scheme === 'bearer')
    const basic = challenges.find((c) => c.scheme === 'basic')
    if (bearer) {
      this.#bearer = bearer
      const http = async (url: URL, init: SendInit) =>
        (await this.#retrying(url, init, 'getting a token', init.method === 'GET')).res
      const token =
        found && 'registryToken' in found.credentials
          ? found.credentials.registryToken
          : await fetchBearerToken(this.registry, bearer, scopes, found, http)
      this.#tokens.set(scopeKey(scopes), token)
      return
    }
    if (basic && found && 'username' in found.credentials) {
      if (!safeForCredentials(new URL(this.baseUrl)))
        throw new GostaticError(
          ErrorCode.REGISTRY_AUTH,
          `registry ${this.registry} asks for a password over plain HTTP; gostatic refuses`,
        )
      const { username, password } = found.credentials
      this.#basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
      return
    }
    if (basic && found)
      throw new GostaticError(
        ErrorCode.REGISTRY_AUTH,
        `registry ${this.registry} wants a username and password, but ${found.from} holds a token`,
        { hint: `log in with \`docker login ${this.registry}\`` },
      )
    // No usable challenge or no credentials: report the 401 itself.
    const said = res ?? new globalThis.Response(null, { status: 401 })
    throw await responseError(this.registry, said, doing ?? 'authenticating', { tried: found?.from })
  }
}

/** The error, its message extended with the tries it took when there was more than one. */
function withTries(err: GostaticError, method: string, url: URL, ex: Pick<Exchange, 'seen' | 't0'>): GostaticError {
  if (ex.seen.length < 2) return err
  const secs = ((Date.now() - ex.t0) / 1000).toFixed(1)
  // The error keeps its class and fields (a timeout's URL and limit); only its text grows.
  err.message += `; ${method} ${url} tried ${ex.seen.length} times in ${secs} s (saw ${ex.seen.join(', ')})`
  return err
}

function scopeKey(scopes: readonly string[]): string {
  return [...scopes].sort().join(' ')
}

/** The token scope for a repository: 'repository:team/app:pull' or ':pull,push'. */
export function repoScope(repository: string, push = false): string {
  return `repository:${repository}:${push ? 'pull,push' : 'pull'}`
}
