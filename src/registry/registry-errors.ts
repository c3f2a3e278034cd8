// Turns what a registry said (or failed to say) into an error that names the
// registry and says what to do. Scripts match on the code.
import { ErrorCode, GostaticError, RegistryTimeoutError } from '../errors.js'
import type { Response } from 'undici'
import { retryableCode, RETRY_STATUSES } from './retry-policy.js'
import { SendFailure } from './transport.js'
import { hint } from '../hints.js'

export { RegistryTimeoutError }

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
])
const TIMEOUTS: Readonly<Record<string, 'connect' | 'idle'>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'idle',
  UND_ERR_BODY_TIMEOUT: 'idle',
}

/** A registry's non-2xx answer that is no auth or not-found matter: keeps the status for the retry rules. */
export class RegistryResponseError extends GostaticError {
  constructor(
    message: string,
    readonly status: number,
    options: { hint?: string | undefined },
  ) {
    super(ErrorCode.REGISTRY_ERROR, message, options)
    this.name = 'RegistryResponseError'
  }
}

/** Whether trying again (a new upload session, say) may succeed: a 429 or 502-504, a reset, a timeout. */
export function isTransient(e: unknown): boolean {
  if (e instanceof RegistryResponseError) return RETRY_STATUSES.has(e.status)
  if (e instanceof RegistryTimeoutError) return true
  return e instanceof GostaticError && e.code === ErrorCode.REGISTRY_UNREACHABLE && retryableCode(failureCode(e.cause))
}

/** The innermost error code: fetch wraps the socket's error in a TypeError('fetch failed'). */
export function failureCode(e: unknown): string | undefined {
  for (let x = e as { code?: unknown; cause?: unknown } | undefined, i = 0; x && i < 5; x = x.cause as typeof x, i++)
    if (typeof x.code === 'string' && !(x instanceof SendFailure)) return x.code
  return undefined
}

function innermostMessage(e: unknown): string {
  let x = e as { message?: string; cause?: unknown } | undefined
  let msg = String(e)
  for (let i = 0; x && i < 5; x = x.cause as typeof x, i++)
    if (x.message && !(x instanceof SendFailure)) msg = x.message
  return msg
}

/** A thrown fetch (or body read) failure as REGISTRY_UNREACHABLE, REGISTRY_TIMEOUT, CANCELLED or a TLS hint. */
export function networkError(registry: string, url: string, doing: string, e: unknown): GostaticError {
  if (e instanceof GostaticError) return e
  const sent = e instanceof SendFailure ? e : undefined
  const target = sent?.url ?? url
  const via = sent?.proxy ? ` via proxy ${sent.proxy}` : ''
  const err = (sent?.cause ?? e) as Error
  if (err?.name === 'AbortError') return new GostaticError(ErrorCode.CANCELLED, `${doing} at ${registry} was cancelled`)
  const code = failureCode(err)
  const detail = innermostMessage(err)
  const timeout = code === undefined ? undefined : TIMEOUTS[code]
  if (timeout && sent) {
    const ms = timeout === 'connect' ? sent.settings.connectMs : sent.settings.idleMs
    const what = timeout === 'connect' ? 'open a connection' : 'send anything'
    return new RegistryTimeoutError(
      `registry ${registry} did not ${what} within the ${timeout} timeout (${ms} ms) while ${doing} (${target}${via})`,
      target,
      timeout,
      ms,
      {
        hint: `raise ${hint('registry-timeout', { timeout })}, or check ${registry}${via ? ' and the proxy' : ''}`,
        cause: e,
      },
    )
  }
  // fetch refuses the WHATWG "bad ports" (1, 6000, 6666, ...) without trying them.
  if (detail === 'bad port')
    return new GostaticError(
      ErrorCode.REGISTRY_UNREACHABLE,
      `cannot reach registry ${registry} while ${doing}: Node's fetch refuses its port ` +
        "(on the fetch standard's list of blocked ports)",
      { hint: 'run the registry on another port, like 5000', cause: e },
    )
  const tls = typeof code === 'string' && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)
  const proxyHint = via
    ? `check the proxy ${sent!.proxy} (HTTPS_PROXY/HTTP_PROXY/NO_PROXY) and that ${registry} is up`
    : ''
  return new GostaticError(
    ErrorCode.REGISTRY_UNREACHABLE,
    `cannot reach registry ${registry}${via} while ${doing} (${code ?? 'network error'}: ${detail}; ${target})`,
    {
      hint: tls
        ? "the registry's TLS certificate is not trusted; add its CA with NODE_EXTRA_CA_CERTS=/path/ca.pem"
        : via
          ? proxyHint
          : NETWORK_CODES.has(code ?? '') || code === undefined
            ? `check that ${registry} is up and reachable from this machine (proxy, firewall, DNS), then retry`
            : undefined,
      cause: e,
    },
  )
}

/** A non-2xx response: 401/403 unauthorized, 404 not found, anything else a registry error with its own words. */
export async function responseError(
  registry: string,
  res: Response | globalThis.Response,
  doing: string,
  auth: { tried: string | undefined },
): Promise<GostaticError> {
  const said = await registrySaid(res)
  const status = `HTTP ${res.status}${said ? `: ${said}` : ''}`
  if (res.status === 401 || res.status === 403) {
    const login = registry === 'docker.io' ? 'docker login' : `docker login ${registry}`
    return new GostaticError(
      ErrorCode.REGISTRY_AUTH,
      auth.tried
        ? `registry ${registry} refused the credentials from ${auth.tried} while ${doing} (${status})`
        : `registry ${registry} requires authentication for ${doing} and no credentials were found (${status})`,
      {
        hint:
          `log in with \`${login}\` (gostatic reads $DOCKER_CONFIG/config.json or ~/.docker/config.json and its ` +
          `credential helpers), ${hint('registry-auth', { registry })}`,
      },
    )
  }
  if (res.status === 404)
    return new GostaticError(ErrorCode.REGISTRY_NOT_FOUND, `${doing}: not found on ${registry} (${status})`, {
      hint: 'check the repository name and tag; `skopeo list-tags docker://<repository>` lists the tags',
    })
  return new RegistryResponseError(`registry ${registry} answered ${status} while ${doing}`, res.status, {
    hint: res.status >= 500 ? 'the registry failed; retry, or check its logs' : undefined,
  })
}

async function registrySaid(res: Response | globalThis.Response): Promise<string> {
  const text = await res.text().catch(() => '')
  try {
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string }[] }
    const parts = (body.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(' '))
    if (parts.length) return parts.join('; ')
  } catch {
    // not JSON: fall through
  }
  return text.trim().slice(0, 200)
}

/** A body past what its request may carry (a manifest over 4 MiB, a blob over its descriptor's size). */
export function tooLarge(registry: string, doing: string, limit: number): GostaticError {
  return new GostaticError(
    ErrorCode.REGISTRY_ERROR,
    `registry ${registry} sent a response too large while ${doing}: more than the limit of ${limit} bytes`,
    { hint: 'the registry or a proxy sent the wrong content; a manifest is at most 4 MiB, a blob its declared size' },
  )
}
