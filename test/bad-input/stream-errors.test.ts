// Stream failures reach the awaiting caller: a sink that fails mid-archive
// and a layer file that vanishes reject the call, with the root cause, and
// raise no unhandled 'error' event. (The same on a real
// full disk and a read-only mount: output-paths.test.ts.)
import { afterAll, describe, expect, it } from 'vitest'
import { rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import * as tar from 'tar-stream'
import { fillTar, tarEntry } from '../../src/util/fill-tar.js'
import { buildLayer } from '../../src/oci/layer.js'
import { corpusRoot } from './harness.js'

const root = corpusRoot('streams')
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** Collects what escapes to the process while `fn` runs. */
async function unhandledDuring(fn: () => Promise<unknown>): Promise<unknown[]> {
  const seen: unknown[] = []
  const on = (e: unknown) => void seen.push(e)
  process.on('uncaughtException', on)
  process.on('unhandledRejection', on)
  try {
    await fn().catch(() => undefined)
    await new Promise((r) => setTimeout(r, 50)) // let late events fire
  } finally {
    process.off('uncaughtException', on)
    process.off('unhandledRejection', on)
  }
  return seen
}

describe('stream errors reach the caller', () => {
  it('rejects fillTar with the sink error (ENOSPC) when the output fails mid-archive', async () => {
    let written = 0
    const sink = new Writable({
      write(chunk: Buffer, _e, cb) {
        written += chunk.length
        cb(written > 4096 ? Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }) : null)
      },
    })
    const pack = tar.pack()
    const done = pipeline(pack, sink)
    const body = Buffer.alloc(1024, 1)
    const fill = async (p: tar.Pack) => {
      for (let i = 0; i < 64; i++) await tarEntry(p, { name: `f${i}`, type: 'file', size: body.length }, body)
    }
    let error: unknown
    const escaped = await unhandledDuring(() => fillTar(pack, done, fill).catch((e: unknown) => void (error = e)))
    expect((error as NodeJS.ErrnoException | undefined)?.code).toBe('ENOSPC')
    expect(escaped).toEqual([])
  })

  it('rejects buildLayer, with nothing unhandled, when a layer file vanishes while the layer is built', async () => {
    const file = join(root, 'vanishing')
    writeFileSync(file, Buffer.alloc(1 << 20))
    let error: unknown
    const escaped = await unhandledDuring(async () => {
      const building = buildLayer([{ path: '/app/big', type: 'file', mode: 0o644, sourcePath: file }])
      unlinkSync(file) // races the stat and the read: either must reject the call
      await building.catch((e: unknown) => void (error = e))
    })
    expect(error, 'buildLayer resolved without its file').toBeDefined()
    expect(escaped).toEqual([])
  })
})
