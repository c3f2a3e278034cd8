// gostatic's own tar writer and reader. What users rely on: layer diff_ids
// did not move when tar-stream was replaced (registries keep deduping), names
// of any length and any script survive a round trip, and a damaged or
// truncated tar is an error, never a hang or a crash.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildLayer, type LayerEntry } from '../../src/oci/layer.js'
import { encodeHeader, type TarHeaderInput } from '../../src/oci/tar-format.js'
import { readTar, type TarEntry } from '../../src/oci/tar-reader.js'
import { TarWriter } from '../../src/oci/tar-writer.js'

type Written = TarHeaderInput & { body?: Buffer }

async function tarOf(entries: readonly Written[]): Promise<Buffer> {
  const chunks: Buffer[] = []
  const tar = new TarWriter(async (c) => void chunks.push(Buffer.from(c)))
  for (const { body, ...h } of entries) await tar.entry(h, body)
  await tar.end()
  return Buffer.concat(chunks)
}

async function readAll(src: Iterable<Uint8Array>): Promise<{ header: TarEntry['header']; offset: number; body: Buffer }[]> {
  const out = []
  for await (const e of readTar(src)) {
    const parts: Buffer[] = []
    for await (const c of e.body) parts.push(c)
    out.push({ header: e.header, offset: e.offset, body: Buffer.concat(parts) })
  }
  return out
}

describe('tar writer', () => {
  it('writes the layer bytes gostatic wrote with tar-stream (same diff_id and digest)', async () => {
    const entries: LayerEntry[] = [
      { path: '/etc/passwd', type: 'file', mode: 0o644, content: Buffer.from('root:x:0:0:root:/root:/sbin/nologin\n') },
      { path: '/tmp', type: 'dir', mode: 0o1777 },
      { path: '/home/nonroot', type: 'dir', mode: 0o700, uid: 65532, gid: 65532 },
      { path: '/app/hello', type: 'file', mode: 0o755, content: Buffer.from('x'.repeat(5000)) },
      { path: '/etc/shadow', type: 'file', mode: 0, content: Buffer.alloc(0) },
      { path: '/usr/local/bin/hello', type: 'symlink', mode: 0o777, linkTarget: '../../../app/hello' },
      { path: `/usr/share/zoneinfo/${'a'.repeat(90)}/${'b'.repeat(60)}`, type: 'file', mode: 0o644, content: Buffer.from('prefix split') },
    ]
    // Pinned from tar-stream 3.2.2 (gostatic up to 0.1.0) for these very entries.
    const layer = await buildLayer(entries, { mtime: 1700000000 })
    expect(layer.diffId).toBe('sha256:cebed79c9c52c8b69e9db7c15f44b34dd8415510c060e50609480c72c9bd0c50')
    expect(layer.digest).toBe('sha256:26846660ef2d3c51a70c20c7a6683d99cfcca0298c19c91416e9ff6d0dbcb5e5')
  })

  it('round-trips long, non-ASCII and large-owner entries through pax records', async () => {
    const long = `${'deep/'.repeat(60)}file.txt` // 308 bytes: no ustar prefix split fits
    const entries: Written[] = [
      { name: long, type: 'file', mode: 0o640, mtime: 1700000000, body: Buffer.from('long') },
      { name: 'etc/zoneinfo/Amérique/São_Paulo', type: 'file', mode: 0o644, mtime: 0, body: Buffer.from('tz') },
      { name: 'bin/link', type: 'symlink', mode: 0o777, mtime: 0, linkname: `/${'target/'.repeat(20)}x` },
      { name: 'home/big/', type: 'directory', mode: 0o700, uid: 3_000_000, gid: 70_000_000, mtime: 0 },
    ]
    const read = await readAll([await tarOf(entries)])
    expect(read.map((e) => [e.header.name, e.header.type, e.header.mode, e.header.uid, e.header.gid, e.header.linkname, e.body.toString()])).toEqual([
      [long, 'file', 0o640, 0, 0, null, 'long'],
      ['etc/zoneinfo/Amérique/São_Paulo', 'file', 0o644, 0, 0, null, 'tz'],
      ['bin/link', 'symlink', 0o777, 0, 0, `/${'target/'.repeat(20)}x`, ''],
      ['home/big/', 'directory', 0o700, 3_000_000, 70_000_000, null, ''],
    ])
    expect(read[0]!.header.mtime.getTime()).toBe(1700000000 * 1000)
  })

  it('reports where each entry data starts, as the archive reader uses to read blobs in place', async () => {
    const tar = await tarOf([
      { name: `${'p/'.repeat(80)}a`, type: 'file', mode: 0o644, mtime: 0, body: Buffer.from('AAA') },
      { name: 'b', type: 'file', mode: 0o644, mtime: 0, body: Buffer.from('BBBB') },
    ])
    for (const e of await readAll([tar])) expect(tar.subarray(e.offset, e.offset + e.header.size).equals(e.body)).toBe(true)
  })
})

describe('tar reader', () => {
  it('reads a tar fed one byte at a time, and lets a skipped body go unread', async () => {
    const tar = await tarOf([
      { name: 'a', type: 'file', mode: 0o644, mtime: 0, body: Buffer.alloc(1500, 1) },
      { name: 'b', type: 'file', mode: 0o644, mtime: 0, body: Buffer.from('bee') },
    ])
    const names: string[] = []
    let b = ''
    for await (const e of readTar([...tar].map((x) => Buffer.from([x])))) {
      names.push(e.header.name)
      if (e.header.name === 'b') for await (const c of e.body) b += c.toString()
    }
    expect(names).toEqual(['a', 'b'])
    expect(b).toBe('bee')
  })

  it('refuses a corrupted header, naming the byte where it starts', async () => {
    const tar = await tarOf([
      { name: 'a', type: 'file', mode: 0o644, mtime: 0, body: Buffer.from('x') },
      { name: 'b', type: 'file', mode: 0o644, mtime: 0, body: Buffer.from('y') },
    ])
    tar[1027] = tar[1027]! ^ 0x40 // the second header's name
    await expect(readAll([tar])).rejects.toThrow(/invalid tar header at byte 1024: bad checksum/)
  })

  it('refuses a truncated tar instead of returning a short file', async () => {
    const tar = await tarOf([{ name: 'a', type: 'file', mode: 0o644, mtime: 0, body: Buffer.alloc(4000, 7) }])
    await expect(readAll([tar.subarray(0, 2048)])).rejects.toThrow(/tar stream: the tar ends early at byte 2048/)
  })

  it('reads a body an entry header gives a base-256 size for', async () => {
    const head = encodeHeader({ name: 'b256', type: 'file', mode: 0o644, mtime: 0, size: 5 })
    head.fill(0, 124, 136)
    head[124] = 0x80
    head[135] = 5
    head.fill(0x20, 148, 156)
    let sum = 0
    for (const x of head) sum += x
    head.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
    const tar = Buffer.concat([head, Buffer.from('12345'), Buffer.alloc(507 + 1024)])
    expect((await readAll([tar])).map((e) => [e.header.name, e.body.toString()])).toEqual([['b256', '12345']])
  })

  it('never hangs or throws anything but an Error on damaged input', async () => {
    const good = await tarOf([
      { name: `${'x/'.repeat(70)}long`, type: 'file', mode: 0o644, mtime: 0, body: Buffer.alloc(700, 3) },
      { name: 'l', type: 'symlink', mode: 0o777, mtime: 0, linkname: 'x' },
    ])
    const damage = fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })
    await fc.assert(
      fc.asyncProperty(damage, fc.nat(good.length), async (edits, cut) => {
        const bad = Buffer.from(good.subarray(0, cut))
        for (const [at, v] of edits) if (at < bad.length) bad[at] = v
        const outcome = await readAll([bad]).then(
          () => 'ok',
          (e: unknown) => (e instanceof Error ? 'error' : `threw ${String(e)}`),
        )
        expect(['ok', 'error']).toContain(outcome)
      }),
      { numRuns: 300 },
    )
  })
})
