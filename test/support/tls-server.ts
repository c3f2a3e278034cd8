// An HTTPS server on loopback whose leaf (for 127.0.0.1) is signed by a CA
// made here with openssl: trusting that CA is what makes a client's request
// succeed, so a test can tell a working CA bundle from none.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import { join } from 'node:path'
import { execOk } from './runtime.js'

export interface TlsServer {
  readonly server: Server
  readonly url: string
  /** The CA's certificate, PEM. */
  readonly caPem: string
  /** The leaf's key and certificate, for another server to serve (a TLS front to the registry). */
  readonly leaf: { readonly key: Buffer; readonly cert: Buffer }
}

/** Writes the keys to `dir`/pki and listens on a free port; close `server` when done. */
export async function tlsServer(dir: string, body = 'hello over tls', dnsName?: string): Promise<TlsServer> {
  const pki = join(dir, 'pki')
  mkdirSync(pki)
  const ssl = (args: string[]) => execOk('openssl', args, { env: { ...process.env, OPENSSL_CONF: '/dev/null' } })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
  const caExt = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']
  const ca = ['-keyout', join(pki, 'ca.key'), '-out', join(pki, 'ca.pem'), '-days', '2', '-subj', '/CN=gostatic test CA']
  await ssl(['req', '-x509', ...ec, ...ca, ...caExt])
  await ssl(['req', ...ec, '-keyout', join(pki, 'leaf.key'), '-out', join(pki, 'leaf.csr'), '-subj', '/CN=127.0.0.1'])
  const san = `IP:127.0.0.1${dnsName ? `,DNS:${dnsName}` : ''}`
  writeFileSync(join(pki, 'leaf.ext'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`)
  const signer = ['-CA', join(pki, 'ca.pem'), '-CAkey', join(pki, 'ca.key'), '-set_serial', '2', '-days', '2']
  await ssl(['x509', '-req', '-in', join(pki, 'leaf.csr'), ...signer, '-extfile', join(pki, 'leaf.ext'), '-out', join(pki, 'leaf.pem')])
  const tls = { key: readFileSync(join(pki, 'leaf.key')), cert: readFileSync(join(pki, 'leaf.pem')) }
  const server = createServer(tls, (_req, res) => res.end(body))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const addr = server.address()
  if (addr === null || typeof addr === 'string') throw new Error('https server has no port')
  return { server, url: `https://127.0.0.1:${addr.port}/`, caPem: readFileSync(join(pki, 'ca.pem'), 'utf8'), leaf: tls }
}
