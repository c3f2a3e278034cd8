// A Go module proxy on loopback that serves one private module and answers
// 401 to any request without the right Basic credentials, as a company proxy
// behind a login does. Go sends the credentials from the .netrc that NETRC
// names, and only over HTTPS, so the proxy speaks TLS with a self-signed
// certificate for 127.0.0.1 that go trusts through SSL_CERT_FILE.
import { createServer } from 'node:https'
import type { IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { runTool } from '../../src/util/run-tool.js'

export interface PrivateModule {
  /** Lowercase module path, e.g. 'secret.example/lib' (no case-escaping needed). */
  readonly path: string
  readonly version: string
  /** File name → content; go.mod is required. */
  readonly files: Readonly<Record<string, string>>
}

export interface PrivateGoProxy {
  readonly url: string
  /** The proxy's certificate: point SSL_CERT_FILE at it so go trusts the proxy. */
  readonly certFile: string
  /** A .netrc line with the credentials the proxy accepts. */
  readonly netrc: string
  /** Every request path, with whether it carried the right credentials. */
  readonly requests: { path: string; authorized: boolean }[]
  close(): Promise<void>
}

/** `dir` receives the certificate and key. */
export async function startPrivateGoProxy(mod: PrivateModule, dir: string, login = 'ci-bot', password = 'tok-private-123'): Promise<PrivateGoProxy> {
  const certFile = join(dir, 'proxy-cert.pem')
  const keyFile = join(dir, 'proxy-key.pem')
  const ssl = await runTool('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile,
    '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { env: { ...process.env, OPENSSL_CONF: '/dev/null' } })
  if (ssl.exitCode !== 0) throw new Error(`openssl failed: ${ssl.stderr}`)
  const expected = `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`
  const info = JSON.stringify({ Version: mod.version, Time: '2024-01-01T00:00:00Z' })
  const at = `/${mod.path}/@v/`
  const answers = new Map<string, { type: string; body: Buffer }>([
    [`${at}list`, { type: 'text/plain', body: Buffer.from(`${mod.version}\n`) }],
    [`${at}${mod.version}.info`, { type: 'application/json', body: Buffer.from(info) }],
    [`${at}${mod.version}.mod`, { type: 'text/plain', body: Buffer.from(mod.files['go.mod'] ?? '') }],
    [`${at}${mod.version}.zip`, { type: 'application/zip', body: moduleZip(mod) }],
    [`/${mod.path}/@latest`, { type: 'application/json', body: Buffer.from(info) }],
  ])
  const requests: { path: string; authorized: boolean }[] = []
  const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req: IncomingMessage, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname
    const authorized = req.headers.authorization === expected
    requests.push({ path, authorized })
    if (!authorized) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="private modules"', 'Content-Type': 'text/plain' })
      return res.end('401 Unauthorized: credentials required\n')
    }
    const a = answers.get(path)
    if (!a) {
      res.writeHead(404, { 'Content-Type': 'text/plain' })
      return res.end('not found\n')
    }
    res.writeHead(200, { 'Content-Type': a.type, 'Content-Length': a.body.length })
    res.end(a.body)
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const port = (server.address() as AddressInfo).port
  return {
    url: `https://127.0.0.1:${port}`,
    certFile,
    // go matches a .netrc machine against the URL's host and port.
    netrc: `machine 127.0.0.1:${port} login ${login} password ${password}\n`,
    requests,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  }
}

/** The module zip Go expects: every file under `<path>@<version>/`, stored uncompressed. */
export function moduleZip(mod: PrivateModule): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const [file, text] of Object.entries(mod.files).sort(([a], [b]) => a.localeCompare(b))) {
    const name = Buffer.from(`${mod.path}@${mod.version}/${file}`)
    const data = Buffer.from(text)
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4) // version needed
    local.writeUInt16LE(0, 8) // method: stored
    local.writeUInt16LE(0x21, 12) // DOS date 1980-01-01
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4) // version made by
    central.writeUInt16LE(20, 6) // version needed
    central.writeUInt16LE(0x21, 14)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, data)
    centrals.push(central, name)
    offset += local.length + name.length + data.length
  }
  const dir = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(centrals.length / 2, 8)
  end.writeUInt16LE(centrals.length / 2, 10)
  end.writeUInt32LE(dir.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, dir, end])
}
