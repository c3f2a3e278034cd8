// Every HTTP request the registry client makes (API, token, redirect) goes
// out here: through the proxy Go would pick for its URL, with connect and
// idle timeouts, gostatic's User-Agent, and redirects followed one hop at a
// time so each hop gets its own proxy decision and no credentials leak to
// another origin.
import { Agent, EnvHttpProxyAgent, fetch, type Dispatcher, type Response } from 'undici'
import { VERSION } from '../version.js'
import { proxyConfigFromEnv, proxyFor } from './proxy-env.js'

export const USER_AGENT = `gostatic/${VERSION}`
const MAX_REDIRECTS = 10

export interface TransportSettings {
  readonly env: NodeJS.ProcessEnv
  readonly connectMs: number
  readonly idleMs: number
  readonly signal?: AbortSignal | undefined
}

export interface SendInit {
  readonly method: string
  readonly headers: Record<string, string>
  readonly body?: Buffer | URLSearchParams | undefined
}

/** A request that got no answer: what was tried, and through which proxy. */
export class SendFailure extends Error {
  constructor(
    readonly url: string,
    /** The proxy (credentials removed), or undefined when the request went direct. */
    readonly proxy: string | undefined,
    readonly settings: TransportSettings,
    cause: unknown,
  ) {
    super(`request to ${url} failed`, { cause })
    this.name = 'SendFailure'
  }
}

const dispatchers = new Map<string, Dispatcher>()

function dispatcherFor(proxy: string | undefined, s: TransportSettings): Dispatcher {
  const key = JSON.stringify([proxy ?? null, s.connectMs, s.idleMs])
  let d = dispatchers.get(key)
  if (d) return d
  const timeouts = { headersTimeout: s.idleMs, bodyTimeout: s.idleMs }
  // The proxy was chosen by Go's rules (proxyFor) already, so the agent gets it for both schemes and no NO_PROXY.
  // http targets go as absolute-form requests (as Go sends them), https ones through a CONNECT tunnel.
  d = proxy
    ? new EnvHttpProxyAgent({
        httpProxy: proxy,
        httpsProxy: proxy,
        noProxy: '',
        proxyTunnel: false,
        proxyTls: { timeout: s.connectMs },
        requestTls: { timeout: s.connectMs },
        connect: { timeout: s.connectMs },
        ...timeouts,
      })
    : new Agent({ connect: { timeout: s.connectMs }, ...timeouts })
  dispatchers.set(key, d)
  return d
}

/** The proxy for `url` as it may be shown: scheme, host and port, never a password. */
export function proxyShownFor(url: URL, env: NodeJS.ProcessEnv): string | undefined {
  const p = proxyFor(url, proxyConfigFromEnv(env))
  if (!p) return undefined
  const u = new URL(p)
  return `${u.protocol}//${u.host}`
}

export async function send(url: URL, init: SendInit, s: TransportSettings): Promise<Response> {
  let target = url
  let { method, body } = init
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...init.headers }
  for (let hop = 0; ; hop++) {
    const cfg = proxyConfigFromEnv(s.env)
    const proxy = proxyFor(target, cfg)
    let res: Response
    try {
      res = await fetch(target, {
        method,
        headers,
        redirect: 'manual',
        dispatcher: dispatcherFor(proxy, s),
        ...(body !== undefined ? { body } : {}),
        ...(s.signal ? { signal: s.signal } : {}),
      })
    } catch (e) {
      throw new SendFailure(target.toString(), proxyShownFor(target, s.env), s, e)
    }
    const location = res.headers.get('location')
    if (![301, 302, 303, 307, 308].includes(res.status) || !location || hop >= MAX_REDIRECTS) return res
    await res.body?.cancel()
    const next = new URL(location, target)
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET'
      body = undefined
    }
    // Blob storage behind a redirect gets a signed URL, never the registry's credentials.
    if (next.origin !== target.origin) delete headers['authorization']
    target = next
  }
}
