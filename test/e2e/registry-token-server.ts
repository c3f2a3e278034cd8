// The token half of the distribution token flow (what auth.docker.io is to
// Docker Hub), for a real docker-registry configured with `auth: token`:
// checks Basic credentials, then issues an RS256 JWT carrying its signing
// certificate (x5c), which the registry verifies against its rootcertbundle.
import { createSign, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { execOk } from '../support/runtime.js'

export const TOKEN_SERVICE = 'gostatic-test-registry'
export const TOKEN_ISSUER = 'gostatic-test-token-issuer'

export interface TokenServer {
  readonly realm: string
  /** Query strings of every token request: service and scopes as the client sent them. */
  readonly requests: URLSearchParams[]
  close(): Promise<void>
}

/** A self-signed RSA certificate and key in `dir` (cert.pem, key.pem). */
export async function makeSigningCert(dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, 'cert.pem')
  const key = join(dir, 'key.pem')
  await execOk('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=gostatic-test-token'])
  return { cert, key }
}

export async function startTokenServer(signing: { cert: string; key: string }, user: string, password: string): Promise<TokenServer> {
  const key = await readFile(signing.key, 'utf8')
  const der = Buffer.from((await readFile(signing.cert, 'utf8')).replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
  const requests: URLSearchParams[] = []
  const server = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams
    requests.push(q)
    const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"incorrect username or password"}')
      return
    }
    const access = q.getAll('scope').map((s) => {
      const [type, ...rest] = s.split(':')
      const actions = rest.pop()!.split(',')
      return { type, name: rest.join(':'), actions }
    })
    const now = Math.floor(Date.now() / 1000)
    const b64url = (v: object | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))).toString('base64url')
    const head = b64url({ typ: 'JWT', alg: 'RS256', x5c: [der.toString('base64')] })
    const claims = b64url({ iss: TOKEN_ISSUER, sub: user, aud: q.get('service'), exp: now + 600, nbf: now - 60, iat: now, jti: randomBytes(8).toString('hex'), access })
    const sig = createSign('RSA-SHA256').update(`${head}.${claims}`).sign(key)
    const token = `${head}.${claims}.${b64url(sig)}`
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 600 }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    realm: `http://127.0.0.1:${port}/token`,
    requests,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  }
}

/** A registry config with token auth: loopback, its own storage under `dir`. */
export function tokenRegistryConfig(dir: string, addr: string, realm: string, cert: string): string {
  return `version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${join(dir, 'storage')}
auth:
  token:
    realm: ${realm}
    service: ${TOKEN_SERVICE}
    issuer: ${TOKEN_ISSUER}
    rootcertbundle: ${cert}
http:
  addr: ${addr}
`
}
