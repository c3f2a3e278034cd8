// The blob store shares the cache folder with built layers: a pulled blob
// that was damaged, truncated or swapped, and a tag record torn or swapped,
// are discarded and reported, never handed back. Real files in a temp dir.
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BlobStore, sha256 } from '../../src/oci/blob-store.js'
import { blobPath } from '../../src/oci/layer-cache.js'

const root = mkdtempSync(join(tmpdir(), 'gostatic-blob-damage-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function store() {
  const dir = mkdtempSync(join(root, 'cache-'))
  const damage: { entry: string; reason: string }[] = []
  return { dir, damage, store: new BlobStore(dir, (entry, reason) => damage.push({ entry, reason })) }
}

const a = Buffer.from('layer a '.repeat(100))
const b = Buffer.from('layer b '.repeat(90))

describe('blob store', () => {
  it.each([
    ['damaged', (p: string) => writeFileSync(p, Buffer.from(readFileSync(p).map((x, i) => (i === 10 ? x ^ 1 : x))))],
    ['truncated', (p: string) => writeFileSync(p, readFileSync(p).subarray(0, 20))],
    ['swapped', (p: string, other: string) => (renameSync(other, `${p}.x`), renameSync(`${p}.x`, p))],
  ])('a %s blob is discarded and reported, then stored again', async (_n, hurt) => {
    const { dir, damage, store: s } = store()
    await s.put(sha256(a), a)
    await s.put(sha256(b), b)
    const path = blobPath(dir, sha256(a))
    hurt(path, blobPath(dir, sha256(b)))
    expect(await s.get(sha256(a), a.length)).toBeUndefined()
    expect(existsSync(path)).toBe(false)
    expect(damage).toEqual([{ entry: path, reason: expect.stringMatching(/does not hash to|bytes, not/) }])
    await s.put(sha256(a), a)
    expect((await s.get(sha256(a), a.length))?.equals(a)).toBe(true)
  })

  it("a tag record that is torn, or another tag's, is discarded and reported", async () => {
    const { damage, store: s } = store()
    await s.setTag('127.0.0.1:5000/base:1', { digest: sha256(a) })
    await s.setTag('127.0.0.1:5000/base:2', { digest: sha256(b) })
    expect(await s.tag('127.0.0.1:5000/base:1')).toEqual({ digest: sha256(a) })
    const files = ['1', '2'].map((t) => tagFile(s, `127.0.0.1:5000/base:${t}`))
    renameSync(files[1]!, files[0]!) // base:2's record where base:1's belongs
    expect(await s.tag('127.0.0.1:5000/base:1')).toBeUndefined()
    await s.setTag('127.0.0.1:5000/base:1', { digest: sha256(a) })
    writeFileSync(files[0]!, '{"ref": "127.0.0.1:5000/ba')
    expect(await s.tag('127.0.0.1:5000/base:1')).toBeUndefined()
    expect(damage.map((d) => d.entry)).toEqual([files[0], files[0]])
  })
})

/** Where the store keeps a tag's record: registry/tags/<sha256 of the reference>.json. */
function tagFile(s: BlobStore, canonical: string): string {
  return join(s.dir!, 'registry', 'tags', `${createHash('sha256').update(canonical).digest('hex')}.json`)
}
