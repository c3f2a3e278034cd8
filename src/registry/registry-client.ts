// One registry's HTTP API with authentication handled: a request goes out
// as it is; a 401 is answered once, with a bearer token (token flow) or
// Basic credentials, and the request is sent again. Tokens are kept per
// scope set so a push never fetches one per blob.
import { ErrorCode, GostaticError } from '../errors.js'
import { findCredentials, type FoundCredentials } from './credentials.js'
import { registryBaseUrl, safeForCredentials } from './endpoint.js'
import { networkError, responseError, tooLarge } from './registry-errors.js'
import type { RegistryOptions } from './registry-options.js'
import { fetchBearerToken } from './token-auth.js'
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
}

export class RegistryClient {
  readonly registry: string
  readonly baseUrl: string
  readonly #opts: RegistryOptions
  #found: Promise<FoundCredentials | undefined> | undefined
  #basic: string | undefined
  #bearer: Challenge | undefined
  readonly #tokens = new Map<string, string>()

  constructor(registry: string, opts: RegistryOptions = {}) {
    this.registry = registry
    this.baseUrl = registryBaseUrl(registry)
    this.#opts = opts
  }

  url(path: string): URL {
    return new URL(path, this.baseUrl)
  }

  async fetch(req: RegistryRequest): Promise<Response> {
    const url = this.url(req.url)
    // A known bearer realm: get the token for new scopes before sending, not after a 401.
    if (this.#bearer && !this.#basic && !this.#tokens.has(scopeKey(req.scopes))) await this.#authorize([this.#bearer], req.scopes)
    let res = await this.#send(req, url)
    if (res.status === 401) {
      const challenges = parseWwwAuthenticate(res.headers.get('www-authenticate'))
      await res.body?.cancel()
      await this.#authorize(challenges, req.scopes, req.doing, res)
      res = await this.#send(req, url)
    }
    if (res.ok || req.pass?.includes(res.status)) return res
    throw await responseError(this.registry, res, req.doing, { tried: (await this.#found)?.from })
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

  async #send(req: RegistryRequest, url: URL): Promise<Response> {
    const headers: Record<string, string> = { 'user-agent': 'gostatic', ...req.headers }
    const auth = this.#basic ?? this.#tokenFor(req.scopes)
    // Only to the registry itself: an upload Location may point at other storage.
    if (auth && url.origin === new URL(this.baseUrl).origin) headers['authorization'] = auth
    try {
      return await fetch(url, {
        method: req.method,
        headers,
        ...(req.body ? { body: req.body } : {}),
        ...(this.#opts.signal ? { signal: this.#opts.signal } : {}),
      })
    } catch (e) {
      throw networkError(this.registry, url.toString(), req.doing, e)
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
      const token = found && 'registryToken' in found.credentials ? found.credentials.registryToken : await fetchBearerToken(this.registry, bearer, scopes, found, this.#opts.signal)
      this.#tokens.set(scopeKey(scopes), token)
      return
    }
    if (basic && found && 'username' in found.credentials) {
      if (!safeForCredentials(new URL(this.baseUrl)))
        throw new GostaticError(ErrorCode.REGISTRY_AUTH, `registry ${this.registry} asks for a password over plain HTTP; gostatic refuses`)
      this.#basic = `Basic ${Buffer.from(`${found.credentials.username}:${found.credentials.password}`).toString('base64')}`
      return
    }
    if (basic && found) throw new GostaticError(ErrorCode.REGISTRY_AUTH, `registry ${this.registry} wants a username and password, but ${found.from} holds a token`, { hint: `log in with \`docker login ${this.registry}\`` })
    // No usable challenge or no credentials: report the 401 itself.
    throw await responseError(this.registry, res ?? new Response(null, { status: 401 }), doing ?? 'authenticating', { tried: found?.from })
  }
}

function scopeKey(scopes: readonly string[]): string {
  return [...scopes].sort().join(' ')
}

/** The token scope for a repository: 'repository:team/app:pull' or ':pull,push'. */
export function repoScope(repository: string, push = false): string {
  return `repository:${repository}:${push ? 'pull,push' : 'pull'}`
}
