import { describe, expect, it } from 'vitest'
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cachedLayer, blobPath } from '../../src/oci/layer-cache.js'
import { buildLayer, type LayerEntry } from '../../src/oci/layer.js'

const entries: LayerEntry[] = [{ path: '/usr/local/bin/app', type: 'file', mode: 0o755, content: Buffer.from('binary bytes '.repeat(1000)) }]

describe('layer cache', () => {
  it('returns the same layer as an uncached build, from the cache on the second call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gostatic-cache-'))
    const plain = await buildLayer(entries, { mtime: 0 })
    const first = await cachedLayer(entries, 0, dir)
    const second = await cachedLayer(entries, 0, dir)
    expect(first.digest).toBe(plain.digest)
    expect(second).toEqual(first)
    expect(readdirSync(join(dir, 'layers'))).toHaveLength(1)
  })
  it('keys on content, mode and mtime', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gostatic-cache-'))
    const a = await cachedLayer(entries, 0, dir)
    const b = await cachedLayer([{ ...entries[0]!, mode: 0o700 }], 0, dir)
    const c = await cachedLayer(entries, 1700000000, dir)
    const d = await cachedLayer([{ ...entries[0]!, content: Buffer.from('other') }], 0, dir)
    expect(new Set([a.digest, b.digest, c.digest, d.digest]).size).toBe(4)
  })
  it('rebuilds instead of trusting a damaged cached blob', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gostatic-cache-'))
    const good = await cachedLayer(entries, 0, dir)
    writeFileSync(blobPath(dir, good.digest), Buffer.from('garbage'))
    const again = await cachedLayer(entries, 0, dir)
    expect(again.digest).toBe(good.digest)
    expect(again.gz.equals(good.gz)).toBe(true)
  })
})
