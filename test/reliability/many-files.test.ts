// A base layer of 100,000 files replays into the same tree a container
// runtime would build: every file listed once, whiteouts and an opaque folder
// in a second layer applied, a hard link reading its target's data. (How fast
// is bench/layer-replay.ts's question; tests assert no time.)
import { describe, expect, it } from 'vitest'
import { buildLayer, type LayerEntry } from '../../src/oci/layer.js'
import { openBuiltLayersTree } from '../../src/oci/image-tree.js'

const FILES = 100_000
const PER_DIR = 1000

function manyFiles(): LayerEntry[] {
  const out: LayerEntry[] = []
  for (let d = 0; d < FILES / PER_DIR; d++) {
    out.push({ path: `/data/d${d}`, type: 'dir', mode: 0o755 })
    for (let f = 0; f < PER_DIR; f++)
      out.push({ path: `/data/d${d}/f${f}`, type: 'file', mode: 0o644, content: Buffer.from(`${d}/${f}\n`) })
  }
  out.push({ path: '/etc/passwd', type: 'file', mode: 0o644, content: Buffer.from('root:x:0:0::/root:/bin/sh\n') })
  return out
}

describe('a layer of 100,000 files', () => {
  it('replays every file, then a second layer removes a folder, clears another and replaces a file', async () => {
    const base = await buildLayer(manyFiles())
    const top = await buildLayer([
      { path: '/data/.wh.d7', type: 'file', mode: 0o644, content: Buffer.alloc(0) },
      { path: '/data/d8/.wh..wh..opq', type: 'file', mode: 0o644, content: Buffer.alloc(0) },
      { path: '/data/d8/new', type: 'file', mode: 0o644, content: Buffer.from('new\n') },
      { path: '/data/d9/f5', type: 'dir', mode: 0o755 },
    ])
    const once = await (await openBuiltLayersTree([base])).files()
    const files = (m: ReadonlyMap<string, { type: string }>) => [...m.values()].filter((e) => e.type === 'file').length
    expect(files(once.entries)).toBe(FILES + 1)
    expect(once.texts.get('/etc/passwd')).toBe('root:x:0:0::/root:/bin/sh\n')

    const tree = await openBuiltLayersTree([base, top])
    const both = await tree.files()
    expect(both.entries.has('data/d7')).toBe(false)
    expect(both.entries.has('data/d7/f1')).toBe(false)
    expect([...both.entries.keys()].filter((k) => k.startsWith('data/d8/'))).toEqual(['data/d8/new'])
    expect(both.entries.get('data/d9/f5')).toMatchObject({ type: 'dir' })
    expect(files(both.entries)).toBe(FILES + 1 - 2 * PER_DIR + 1 - 1)
    expect(Buffer.from((await tree.read('/data/d99/f999'))!).toString()).toBe('99/999\n')
  })
})
