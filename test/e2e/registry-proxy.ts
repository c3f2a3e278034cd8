// A fault-injecting HTTP proxy in front of the real registry: it forwards
// every request unchanged (Host included, so upload Locations point back at
// it), counts them, and on demand flips a byte in a blob it serves or cuts
// every connection once N blob uploads have gone through, or refuses what a
// pattern matches.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ProxyOptions {
  /** host:port of the real registry. */
  target: string
  /** Flip one byte in the body of GET responses whose path this matches. */
  corrupt?: RegExp
  /** After this many completed blob uploads, drop every request (the registry "stops"). */
  dropAfterUploads?: number
  /** Answer 403 DENIED to requests whose 'METHOD path' this matches, as a registry policy refusing a tag would. */
  refuse?: RegExp
}

export interface RegistryProxy {
  /** '127.0.0.1:<port>': use it as the registry in references. */
  readonly address: string
  /** 'METHOD path' of every request received, dropped ones too. */
  readonly requests: string[]
  readonly dropped: number
  close(): Promise<void>
}

export async function startRegistryProxy(opts: ProxyOptions): Promise<RegistryProxy> {
  const [host, port] = opts.target.split(':') as [string, string]
  const requests: string[] = []
  let uploads = 0
  let dropped = 0
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`)
    if (opts.dropAfterUploads !== undefined && uploads >= opts.dropAfterUploads) {
      dropped++
      req.socket.destroy()
      return
    }
    if (opts.refuse?.test(`${req.method} ${req.url}`)) {
      req.resume()
      res.writeHead(403, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ errors: [{ code: 'DENIED', message: 'tag refused by policy' }] }))
      return
    }
    const up = request({ host, port: Number(port), method: req.method, path: req.url, headers: req.headers }, (r) => {
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
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port: own } = server.address() as AddressInfo
  return {
    address: `127.0.0.1:${own}`,
    requests,
    get dropped() {
      return dropped
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
