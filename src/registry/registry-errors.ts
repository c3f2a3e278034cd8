// Turns what a registry said (or failed to say) into an error that names the
// registry and says what to do. Scripts match on the code.
import { ErrorCode, GostaticError } from '../errors.js'

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
])

/** A thrown fetch (or body read) failure as REGISTRY_UNREACHABLE, CANCELLED or, for TLS, a hint at certificates. */
export function networkError(registry: string, url: string, doing: string, e: unknown): GostaticError {
  if (e instanceof GostaticError) return e
  const err = e as Error & { cause?: { code?: string; message?: string } }
  if (err?.name === 'AbortError') return new GostaticError(ErrorCode.CANCELLED, `${doing} at ${registry} was cancelled`)
  const code = err?.cause?.code ?? (err as NodeJS.ErrnoException)?.code
  const detail = err?.cause?.message ?? err?.message ?? String(e)
  // fetch refuses the WHATWG "bad ports" (1, 6000, 6666, ...) without trying them.
  if (detail === 'bad port')
    return new GostaticError(ErrorCode.REGISTRY_UNREACHABLE, `cannot reach registry ${registry} while ${doing}: Node's fetch refuses its port (on the fetch standard's list of blocked ports)`, {
      hint: 'run the registry on another port, like 5000',
      cause: e,
    })
  const tls = typeof code === 'string' && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)
  return new GostaticError(ErrorCode.REGISTRY_UNREACHABLE, `cannot reach registry ${registry} while ${doing} (${code ?? 'network error'}: ${detail}; ${url})`, {
    hint: tls
      ? 'the registry\'s TLS certificate is not trusted; add its CA with NODE_EXTRA_CA_CERTS=/path/ca.pem'
      : NETWORK_CODES.has(code ?? '') || code === undefined
        ? `check that ${registry} is up and reachable from this machine (proxy, firewall, DNS), then retry`
        : undefined,
    cause: e,
  })
}

/** A non-2xx response: 401/403 unauthorized, 404 not found, anything else a registry error with its own words. */
export async function responseError(registry: string, res: Response, doing: string, auth: { tried: string | undefined }): Promise<GostaticError> {
  const said = await registrySaid(res)
  const status = `HTTP ${res.status}${said ? `: ${said}` : ''}`
  if (res.status === 401 || res.status === 403) {
    const login = registry === 'docker.io' ? 'docker login' : `docker login ${registry}`
    return new GostaticError(
      ErrorCode.REGISTRY_AUTH,
      auth.tried
        ? `registry ${registry} refused the credentials from ${auth.tried} while ${doing} (${status})`
        : `registry ${registry} requires authentication for ${doing} and no credentials were found (${status})`,
      { hint: `log in with \`${login}\` (gostatic reads $DOCKER_CONFIG/config.json or ~/.docker/config.json and its credential helpers), or pass registryAuth: { '${registry}': { username, password } }` },
    )
  }
  if (res.status === 404) return new GostaticError(ErrorCode.REGISTRY_NOT_FOUND, `${doing}: not found on ${registry} (${status})`, { hint: 'check the repository name and tag; `skopeo list-tags docker://<repository>` lists the tags' })
  return new GostaticError(ErrorCode.REGISTRY_ERROR, `registry ${registry} answered ${status} while ${doing}`, { hint: res.status >= 500 ? 'the registry failed; retry, or check its logs' : undefined })
}

async function registrySaid(res: Response): Promise<string> {
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
