// Stream failures reach the awaiting caller: a sink that fails mid-archive
// and a layer file that vanishes reject the call, with the root cause, and
// raise no unhandled 'error' event. (The same on a real
// full disk and a read-only mount: output-paths.test.ts.)
import { afterAll, describe, expect, it } from 'vitest'
import { rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { TarWriter } from '../../src/oci/tar-writer.js'
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
  it('rejects the tar writer with the sink error (ENOSPC) when the output fails mid-archive', async () => {
    let written = 0
    const tar = new TarWriter(async (chunk) => {
      written += chunk.length
      if (written > 4096) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    })
    const body = Buffer.alloc(1024, 1)
    let error: unknown
    const fill = async () => {
      for (let i = 0; i < 64; i++) await tar.entry({ name: `f${i}`, type: 'file', mode: 0o644, mtime: 0 }, body)
    }
    const escaped = await unhandledDuring(() => fill().catch((e: unknown) => void (error = e)))
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
