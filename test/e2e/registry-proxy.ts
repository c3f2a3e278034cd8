// A fault-injecting HTTP proxy in front of the real registry: it forwards
// every request unchanged (Host included, so upload Locations point back at
// it), counts them, and on demand flips a byte in a blob it serves or cuts
// every connection once N blob uploads have gone through, or refuses what a
// pattern matches. A test's `fault` function answers some requests itself,
// in a fixed pattern: a status (429 with Retry-After, 503), a reset
// connection, a stall, or a delay before forwarding. Over TLS (`tls`) it
// tells the registry so (X-Forwarded-Proto), so its Locations say https.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'

export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string }
  | { readonly kind: 'reset' }
  | { readonly kind: 'stall' }
  | { readonly kind: 'delay'; readonly ms: number }

export interface ProxyOptions {
  /** host:port of the real registry. */
  target: string
  /** Flip one byte in the body of GET responses whose path this matches. */
  corrupt?: RegExp
  /** After this many completed blob uploads, drop every request (the registry "stops"). */
  dropAfterUploads?: number
  /** Answer 403 DENIED to requests whose 'METHOD path' this matches, as a registry policy refusing a tag would. */
  refuse?: RegExp
  /** What to do to one request ('METHOD path'), or undefined to forward it. */
  fault?: (request: string) => Fault | undefined
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: Buffer; cert: Buffer }
}

export interface RegistryProxy {
  /** '127.0.0.1:<port>': use it as the registry in references. */
  readonly address: string
  readonly port: number
  /** 'METHOD path' of every request received, dropped ones too. */
  readonly requests: string[]
  readonly dropped: number
  /** Faults injected, as 'kind METHOD path'. */
  readonly faults: string[]
  /** TCP connections accepted. */
  readonly connections: number
  /** The most blob transfers (GET of a blob, PATCH or PUT of an upload) in flight at one time. */
  readonly maxTransfers: number
  close(): Promise<void>
}

const TRANSFER = /^(GET \/v2\/.+\/blobs\/sha256:|(PATCH|PUT) \/v2\/.+\/blobs\/uploads\/)/

export async function startRegistryProxy(opts: ProxyOptions): Promise<RegistryProxy> {
  const [host, port] = opts.target.split(':') as [string, string]
  const requests: string[] = []
  const faults: string[] = []
  const sockets = new Set<Socket>()
  let uploads = 0
  let dropped = 0
  let connections = 0
  let transfers = 0
  let maxTransfers = 0
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const headers = { ...req.headers, ...(opts.tls ? { 'x-forwarded-proto': 'https' } : {}) }
    const up = request({ host, port: Number(port), method: req.method, path: req.url, headers }, (r) => {
      const isUpload = req.method === 'PUT' && /\/blobs\/uploads\//.test(req.url ?? '') && r.statusCode === 201
      if (isUpload) uploads++
      if (req.method === 'GET' && opts.corrupt?.test(req.url ?? '')) {
        const chunks: Buffer[] = []
        r.on('data', (c: Buffer) => chunks.push(c))
        r.on('end', () => {
          const body = Buffer.concat(chunks)
          if (body.length > 0) body[body.length >> 1]! ^= 0xff
          res.writeHead(r.statusCode ?? 502, r.headers)
          res.end(body)
        })
        return
      }
      res.writeHead(r.statusCode ?? 502, r.headers)
      r.pipe(res)
    })
    up.on('error', () => req.socket.destroy())
    req.pipe(up)
  }
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const line = `${req.method} ${req.url}`
    requests.push(line)
    if (TRANSFER.test(line)) {
      maxTransfers = Math.max(maxTransfers, ++transfers)
      res.on('close', () => transfers--)
    }
    if (opts.dropAfterUploads !== undefined && uploads >= opts.dropAfterUploads) {
      dropped++
      req.socket.destroy()
      return
    }
    if (opts.refuse?.test(line)) {
      req.resume()
      res.writeHead(403, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ errors: [{ code: 'DENIED', message: 'tag refused by policy' }] }))
      return
    }
    const fault = opts.fault?.(line)
    if (fault) faults.push(`${fault.kind} ${line}`)
    if (!fault) return forward(req, res)
    const act: Record<Fault['kind'], () => void> = {
      status: () => {
        const f = fault as Extract<Fault, { kind: 'status' }>
        req.resume()
        res.writeHead(f.status, { 'content-type': 'application/json', ...(f.retryAfter ? { 'retry-after': f.retryAfter } : {}) })
        res.end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: `injected ${f.status}` }] }))
      },
      reset: () => req.socket.resetAndDestroy(),
      // Nothing is ever answered: the client's idle timeout has to end it.
      stall: () => req.resume(),
      delay: () => void setTimeout(() => forward(req, res), (fault as Extract<Fault, { kind: 'delay' }>).ms),
    }
    act[fault.kind]()
  }
  const server = opts.tls ? createTlsServer(opts.tls, handler) : createServer(handler)
  server.on(opts.tls ? 'secureConnection' : 'connection', (s: Socket) => {
    connections++
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port: own } = server.address() as AddressInfo
  return {
    address: `127.0.0.1:${own}`,
    port: own,
    requests,
    faults,
    get dropped() {
      return dropped
    },
    get connections() {
      return connections
    },
    get maxTransfers() {
      return maxTransfers
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
