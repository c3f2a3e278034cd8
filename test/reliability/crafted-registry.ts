// A registry that serves what a test crafts: manifests and blobs by path,
// each a buffer or a stream maker, with the headers a registry sends. It is
// the input under test (hostile sizes, bodies past their limits), not a mock
// of gostatic.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export type Served = { body: Buffer | (() => AsyncIterable<Buffer>); type?: string; digest?: string }

export class CraftedRegistry {
  readonly routes = new Map<string, Served>()
  /** Every path asked for, in order. */
  readonly asked: string[] = []
  #server: Server | undefined

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0]!
      this.asked.push(path)
      if (path === '/v2/' || path === '/v2') return res.writeHead(200).end('{}')
      const r = this.routes.get(path)
      if (!r) return res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"NOT_FOUND"}]}')
      const headers: Record<string, string> = { 'content-type': r.type ?? 'application/octet-stream' }
      if (r.digest) headers['docker-content-digest'] = r.digest
      if (Buffer.isBuffer(r.body)) return res.writeHead(200, { ...headers, 'content-length': String(r.body.length) }).end(r.body)
      res.writeHead(200, headers)
      const src = r.body()
      void (async () => {
        try {
          for await (const c of src) if (!res.write(c)) await new Promise((ok) => res.once('drain', ok))
          res.end()
        } catch {
          res.destroy()
        }
      })()
      res.on('close', () => void (src as AsyncGenerator<Buffer>).return?.(undefined))
    })
    await new Promise<void>((ok) => this.#server!.listen(0, '127.0.0.1', ok))
    return `127.0.0.1:${(this.#server.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections()
    await new Promise((ok) => this.#server?.close(ok))
  }
}
