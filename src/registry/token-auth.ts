// The token flow of the distribution spec (Docker Hub and most registries):
// a 401 names a realm, service and scope; the token endpoint, given
// credentials or none, returns a bearer token for that scope.
import { ErrorCode, GostaticError } from '../errors.js'
import { safeForCredentials } from './endpoint.js'
import { networkError } from './registry-errors.js'
import type { Challenge } from './www-authenticate.js'
import type { FoundCredentials } from './credentials.js'
import type { Response } from 'undici'
import type { SendInit } from './transport.js'
import { hint } from '../hints.js'

/** Sends one token request through the client's transport (proxy, timeouts, retries). */
export type TokenHttp = (url: URL, init: SendInit) => Promise<Response>

export async function fetchBearerToken(
  registry: string,
  challenge: Challenge,
  scopes: readonly string[],
  found: FoundCredentials | undefined,
  http: TokenHttp,
): Promise<string> {
  const realm = challenge.params['realm']
  if (!realm)
    throw new GostaticError(
      ErrorCode.REGISTRY_ERROR,
      `registry ${registry} asked for a bearer token but named no realm to get it from`,
    )
  let url: URL
  try {
    url = new URL(realm)
  } catch {
    throw new GostaticError(ErrorCode.REGISTRY_ERROR, `registry ${registry} named an invalid token realm '${realm}'`)
  }
  const creds = found?.credentials
  if (creds && !safeForCredentials(url))
    throw new GostaticError(
      ErrorCode.REGISTRY_AUTH,
      `registry ${registry} sends credentials to ${url.origin} over ` +
        `plain HTTP; gostatic refuses (only loopback may use HTTP)`,
    )
  const service = challenge.params['service']
  const allScopes = [...new Set([...scopes, ...(challenge.params['scope']?.split(' ').filter(Boolean) ?? [])])]
  let res: Response
  try {
    if (creds && 'identityToken' in creds) {
      // An identity (refresh) token is exchanged with a POST (the OAuth2 form).
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: creds.identityToken,
        client_id: 'gostatic',
        ...(service ? { service } : {}),
        scope: allScopes.join(' '),
      })
      res = await http(url, { method: 'POST', headers: {}, body: form })
    } else {
      if (service) url.searchParams.set('service', service)
      for (const s of allScopes) url.searchParams.append('scope', s)
      const headers: Record<string, string> = {}
      if (creds && 'username' in creds)
        headers['authorization'] = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`
      res = await http(url, { method: 'GET', headers })
    }
  } catch (e) {
    throw networkError(registry, url.origin, 'getting a token', e)
  }
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel()
    throw new GostaticError(
      ErrorCode.REGISTRY_AUTH,
      found
        ? `the token service of ${registry} (${url.origin}) refused the credentials from ${found.from} (HTTP ` +
            `${res.status})`
        : `the token service of ${registry} (${url.origin}) requires credentials (HTTP ${res.status})`,
      {
        hint:
          `log in with \`docker login${registry === 'docker.io' ? '' : ` ${registry}`}\`, ` +
          hint('registry-auth', { registry }),
      },
    )
  }
  if (!res.ok) {
    await res.body?.cancel()
    throw new GostaticError(
      ErrorCode.REGISTRY_ERROR,
      `the token service of ${registry} (${url.origin}) answered HTTP ${res.status}`,
    )
  }
  const body = (await res.json().catch(() => ({}))) as { token?: string; access_token?: string }
  const token = body.token ?? body.access_token
  if (!token)
    throw new GostaticError(
      ErrorCode.REGISTRY_ERROR,
      `the token service of ${registry} (${url.origin}) returned no token`,
    )
  return token
}
