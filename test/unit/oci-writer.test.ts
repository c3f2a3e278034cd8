import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildLayer, type LayerEntry } from '../../src/oci/layer.js'
import { writeOciArchive, type OciImageInput } from '../../src/oci/oci-writer.js'
import { openImageTree, readFileFromImage, readOciArchive } from '../../src/oci/oci-reader.js'
import type { TarHeader } from '../../src/oci/tar-format.js'
import { readTar } from '../../src/oci/tar-reader.js'
import { TarWriter } from '../../src/oci/tar-writer.js'

const amd64 = { os: 'linux', architecture: 'amd64' }
const arm64 = { os: 'linux', architecture: 'arm64', variant: 'v8' }
const appBytes = Buffer.from('#!not-really-elf\n' + 'x'.repeat(5000))

const baseEntries: LayerEntry[] = [
  { path: '/etc/passwd', type: 'file', mode: 0o644, content: Buffer.from('root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n') },
  { path: '/tmp', type: 'dir', mode: 0o1777 },
  { path: '/home/nonroot', type: 'dir', mode: 0o700, uid: 65532, gid: 65532 },
]
const appEntries: LayerEntry[] = [
  { path: '/app/hello', type: 'file', mode: 0o755, content: appBytes },
  { path: '/usr/local/bin/hello', type: 'symlink', mode: 0o777, linkTarget: '../../../app/hello' },
]
const config: OciImageInput['config'] = {
  Entrypoint: ['/app/hello'],
  Cmd: ['--port', '8080'],
  Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt'],
  User: '65532:65532',
  WorkingDir: '/app',
  ExposedPorts: { '8080/tcp': {} },
  Labels: { 'org.opencontainers.image.source': 'https://example.com/hello', team: 'platform' },
}

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gostatic-oci-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function image(platform = amd64, mtime = 0): Promise<OciImageInput> {
  return { platform, layers: [await buildLayer(baseEntries, { mtime }), await buildLayer(appEntries, { mtime })], config }
}

async function tarHeaders(gz: Buffer): Promise<TarHeader[]> {
  const out: TarHeader[] = []
  for await (const e of readTar([gunzipSync(gz)])) out.push(e.header)
  return out
}

async function errorOf(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  return p.then(
    () => {
      throw new Error('expected a rejection')
    },
    (e: { code?: string; message: string }) => e,
  )
}

describe('layers', () => {
  it('gives byte-identical layers for the same entries, in any order', async () => {
    const a = await buildLayer(appEntries, { mtime: 0 })
    const b = await buildLayer([...appEntries].reverse(), { mtime: 0 })
    expect(b.gz.equals(a.gz)).toBe(true)
    expect(b.digest).toBe(a.digest)
    expect(b.diffId).toBe(a.diffId)
    expect(a.size).toBe(a.gz.length)
    expect(a.digest).toMatch(/^sha256:[a-f0-9]{64}$/)
  })

  it('writes a gzip header with no timestamp or file name', async () => {
    const { gz } = await buildLayer(appEntries, { mtime: 1700000000 })
    // magic, deflate, no flags (so no FNAME), mtime 0, XFL 0 (level 6), OS unix
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])
  })

  it('stores sorted entries with parents, root ownership, fixed mtime and exact modes', async () => {
    const { gz } = await buildLayer([...baseEntries, ...appEntries], { mtime: 1700000000 })
    const headers = await tarHeaders(gz)
    expect(headers.map((h) => `${h.type} ${h.name} ${h.mode.toString(8)} ${h.uid}:${h.gid}${h.linkname ? ` -> ${h.linkname}` : ''}`)).toEqual([
      'directory app/ 755 0:0',
      'file app/hello 755 0:0',
      'directory etc/ 755 0:0',
      'file etc/passwd 644 0:0',
      'directory home/ 755 0:0',
      'directory home/nonroot/ 700 65532:65532',
      'directory tmp/ 1777 0:0',
      'directory usr/ 755 0:0',
      'directory usr/local/ 755 0:0',
      'directory usr/local/bin/ 755 0:0',
      'symlink usr/local/bin/hello 777 0:0 -> ../../../app/hello',
    ])
    expect(new Set(headers.map((h) => h.mtime.getTime()))).toEqual(new Set([1700000000 * 1000]))
    expect(new Set(headers.map((h) => `${h.uname}|${h.gname}`))).toEqual(new Set(['|']))
  })

  it('keeps a deliberate mode 0 instead of falling back to a default', async () => {
    const { gz } = await buildLayer([{ path: '/etc/shadow', type: 'file', mode: 0, content: Buffer.from('') }], { mtime: 0 })
    expect((await tarHeaders(gz)).find((h) => h.name === 'etc/shadow')?.mode).toBe(0)
  })

  it('streams a file from disk and names it when it is missing', async () => {
    const src = join(dir, 'hello')
    await writeFile(src, appBytes)
    const fromDisk = await buildLayer([{ path: '/app/hello', type: 'file', mode: 0o755, sourcePath: src }], { mtime: 0 })
    const inMemory = await buildLayer([{ path: '/app/hello', type: 'file', mode: 0o755, content: appBytes }], { mtime: 0 })
    expect(fromDisk.digest).toBe(inMemory.digest)
    const err = await errorOf(buildLayer([{ path: '/app/hello', type: 'file', mode: 0o755, sourcePath: join(dir, 'nope') }], { mtime: 0 }))
    expect(err.code).toBe('INPUT_NOT_FOUND')
    expect(err.message).toContain(join(dir, 'nope'))
  })

  it('refuses relative, duplicate and ambiguous entries', async () => {
    const cases: LayerEntry[][] = [
      [{ path: 'app/hello', type: 'file', mode: 0o755, content: appBytes }],
      [{ path: '/app/../etc/x', type: 'file', mode: 0o644, content: appBytes }],
      [appEntries[0]!, appEntries[0]!],
      [{ path: '/app/hello', type: 'file', mode: 0o755 }],
      [{ path: '/bin/sh', type: 'symlink', mode: 0o777 }],
      [appEntries[0]!, { path: '/app/hello/x', type: 'file', mode: 0o644, content: appBytes }],
    ]
    for (const entries of cases) expect((await errorOf(buildLayer(entries, { mtime: 0 }))).code).toBe('INVALID_CONFIG')
  })
})

describe('OCI archive', () => {
  it('writes the same bytes and digests for the same input twice', async () => {
    const a = await writeOciArchive(join(dir, 'a.tar'), [await image()], { refName: 'gostatic.local/hello:latest' })
    const b = await writeOciArchive(join(dir, 'b.tar'), [await image()], { refName: 'gostatic.local/hello:latest' })
    expect((await readFile(b.path)).equals(await readFile(a.path))).toBe(true)
    expect(b.indexDigest).toBe(a.indexDigest)
    expect(b.manifests).toEqual(a.manifests)
  })

  it('round-trips config, labels, entrypoint and layer sizes through the reader', async () => {
    const img = await image(amd64, 1700000000)
    const out = await writeOciArchive(join(dir, 'img.tar'), [img], { refName: 'gostatic.local/hello:latest', sourceDateEpoch: 1700000000 })
    const archive = await readOciArchive(out.path)
    expect(archive.format).toBe('oci')
    expect(archive.refName).toBe('gostatic.local/hello:latest')
    expect(archive.indexDigest).toBe(out.indexDigest)
    expect(archive.images).toHaveLength(1)
    const [read] = archive.images
    expect(read!.platform).toEqual(amd64)
    expect(read!.manifestDigest).toBe(out.manifests[0]!.digest)
    expect(read!.configDigest).toBe(out.manifests[0]!.configDigest)
    expect(read!.config.config).toEqual(config)
    expect(read!.config.created).toBe('2023-11-14T22:13:20Z')
    expect(read!.config.rootfs).toEqual({ type: 'layers', diff_ids: img.layers.map((l) => l.diffId) })
    expect(read!.config.history).toHaveLength(2)
    expect(read!.layers.map((l) => [l.digest, l.size, l.mediaType])).toEqual(
      img.layers.map((l) => [l.digest, l.size, 'application/vnd.oci.image.layer.v1.tar+gzip']),
    )
    expect(out.size).toBe([...archive.blobs.values()].reduce((n, b) => n + b.size, 0))
  })

  it('reads a file out of the image, following symlinks', async () => {
    const out = await writeOciArchive(join(dir, 'img.tar'), [await image()])
    const archive = await readOciArchive(out.path)
    expect(Buffer.from((await readFileFromImage(archive, amd64, '/app/hello'))!).equals(appBytes)).toBe(true)
    expect(Buffer.from((await readFileFromImage(archive, amd64, '/usr/local/bin/hello'))!).equals(appBytes)).toBe(true)
    expect(await readFileFromImage(archive, amd64, '/tmp')).toBeNull()
    expect(await readFileFromImage(archive, amd64, '/app/missing')).toBeNull()
    expect((await errorOf(readFileFromImage(archive, arm64, '/app/hello'))).code).toBe('INPUT_NOT_FOUND')
  })

  it('applies whiteouts from upper layers', async () => {
    const lower = await buildLayer([...baseEntries, { path: '/etc/group', type: 'file', mode: 0o644, content: Buffer.from('root:x:0:\n') }], { mtime: 0 })
    const deleteOne = await buildLayer([{ path: '/etc/.wh.passwd', type: 'file', mode: 0o644, content: Buffer.alloc(0) }], { mtime: 0 })
    const opaque = await buildLayer([{ path: '/etc/.wh..wh..opq', type: 'file', mode: 0o644, content: Buffer.alloc(0) }], { mtime: 0 })
    const out = await writeOciArchive(join(dir, 'wh.tar'), [
      { platform: amd64, layers: [lower, deleteOne], config },
      { platform: arm64, layers: [lower, opaque], config },
    ])
    const archive = await readOciArchive(out.path)
    expect(await readFileFromImage(archive, amd64, '/etc/passwd')).toBeNull()
    expect(Buffer.from((await readFileFromImage(archive, amd64, '/etc/group'))!).toString()).toBe('root:x:0:\n')
    expect(await readFileFromImage(archive, arm64, '/etc/group')).toBeNull()
  })

  it('lists the file set after all layers, with modes, owners, symlinks and passwd text', async () => {
    const wipeTmp = await buildLayer([{ path: '/.wh.tmp', type: 'file', mode: 0o644, content: Buffer.alloc(0) }], { mtime: 0 })
    const layers = [...(await image()).layers, wipeTmp]
    const out = await writeOciArchive(join(dir, 'list.tar'), [{ platform: amd64, layers, config }])
    const tree = await openImageTree(await readOciArchive(out.path), amd64)
    const files = await tree.files()
    // The writer adds parent directories (0755, root); the rest is what the layers hold, /tmp whited out.
    const parents = [...files.entries].filter(([k, e]) => e.type === 'dir' && k !== 'home/nonroot')
    expect(parents.map(([k, e]) => [k, e.mode, e.uid])).toEqual(parents.map(([k]) => [k, 0o755, 0]))
    expect(files.entries.has('tmp')).toBe(false)
    expect(Object.fromEntries([...files.entries].filter(([k, e]) => e.type !== 'dir' || k === 'home/nonroot'))).toEqual({
      'etc/passwd': { type: 'file', mode: 0o644, uid: 0, gid: 0, size: baseEntries[0]!.content!.length },
      'home/nonroot': { type: 'dir', mode: 0o700, uid: 65532, gid: 65532, size: 0 },
      'app/hello': { type: 'file', mode: 0o755, uid: 0, gid: 0, size: appBytes.length },
      'usr/local/bin/hello': { type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, link: '../../../app/hello' },
    })
    expect(files.texts).toEqual(new Map([['/etc/passwd', Buffer.from(baseEntries[0]!.content!).toString()]]))
    expect(Buffer.from((await tree.read('/usr/local/bin/hello'))!).equals(appBytes)).toBe(true)
  })

  it('writes an image index listing both platforms for a two-platform image', async () => {
    const out = await writeOciArchive(join(dir, 'multi.tar'), [await image(amd64), await image(arm64)], {
      refName: 'gostatic.local/hello:latest',
      loadPlatform: arm64,
    })
    expect(out.manifests.map((m) => m.platform)).toEqual([amd64, arm64])
    const archive = await readOciArchive(out.path)
    expect(archive.indexDigest).toBe(out.indexDigest)
    expect(archive.images.map((i) => [i.platform, i.manifestDigest])).toEqual(out.manifests.map((m) => [m.platform, m.digest]))
    const files = await tarFiles(out.path)
    const index = JSON.parse(files.get('index.json')!)
    expect(index.manifests).toEqual([
      expect.objectContaining({ mediaType: 'application/vnd.oci.image.index.v1+json', digest: out.indexDigest, annotations: { 'org.opencontainers.image.ref.name': 'gostatic.local/hello:latest' } }),
    ])
    const nested = JSON.parse(files.get(`blobs/sha256/${out.indexDigest.slice(7)}`)!)
    expect(nested.manifests.map((m: { platform: unknown }) => m.platform)).toEqual([amd64, arm64])
    // docker load takes one image per tag: the one asked for
    const dockerManifest = JSON.parse(files.get('manifest.json')!)
    expect(dockerManifest).toEqual([{ Config: `blobs/sha256/${out.manifests[1]!.configDigest.slice(7)}`, RepoTags: ['gostatic.local/hello:latest'], Layers: expect.any(Array) }])
    for (const p of dockerManifest[0].Layers) expect(files.has(p)).toBe(true)
  })

  it('refuses an archive whose blob was corrupted, naming the blob', async () => {
    const out = await writeOciArchive(join(dir, 'img.tar'), [await image()])
    const bytes = await readFile(out.path)
    const at = bytes.indexOf('"team":"platform"')
    expect(at).toBeGreaterThan(0)
    bytes.write('"team":"plotform"', at)
    await writeFile(out.path, bytes)
    const err = await errorOf(readOciArchive(out.path))
    expect(err.code).toBe('OCI_MALFORMED')
    expect(err.message).toContain(out.manifests[0]!.configDigest)
  })

  it('reads a large binary back byte for byte', async () => {
    const big = randomBytes(3 << 20) // incompressible, so the layer blob is read by offset, not held in memory
    const layer = await buildLayer([{ path: '/app/big', type: 'file', mode: 0o755, content: big }], { mtime: 0 })
    const out = await writeOciArchive(join(dir, 'big.tar'), [{ platform: amd64, layers: [layer], config }])
    const archive = await readOciArchive(out.path)
    expect(archive.blobs.get(layer.digest)?.bytes).toBeUndefined()
    expect(Buffer.from((await readFileFromImage(archive, amd64, '/app/big'))!).equals(big)).toBe(true)
  })

  it('reads an archive packed from a directory with ./ names', async () => {
    const out = await writeOciArchive(join(dir, 'img.tar'), [await image()], { refName: 'hello' })
    await repack(out.path, join(dir, 'dot.tar'), (name) => `./${name}`)
    const archive = await readOciArchive(join(dir, 'dot.tar'))
    expect(archive.indexDigest).toBe(out.indexDigest)
    expect(Buffer.from((await readFileFromImage(archive, amd64, '/app/hello'))!).equals(appBytes)).toBe(true)
  })

  it('refuses an archive that lacks a blob its manifest needs, naming it', async () => {
    const img = await image()
    const out = await writeOciArchive(join(dir, 'img.tar'), [img])
    const missingLayer = img.layers[1]!.digest
    await repack(out.path, join(dir, 'holey.tar'), (name) => (name.endsWith(missingLayer.slice(7)) ? null : name))
    const err = await errorOf(readOciArchive(join(dir, 'holey.tar')))
    expect(err.code).toBe('OCI_MALFORMED')
    expect(err.message).toContain(missingLayer)
  })

  it('refuses files that are not image archives', async () => {
    await writeFile(join(dir, 'junk.tar'), 'not a tar at all'.repeat(100))
    expect((await errorOf(readOciArchive(join(dir, 'junk.tar')))).code).toBe('OCI_MALFORMED')
    expect((await errorOf(readOciArchive(join(dir, 'absent.tar')))).code).toBe('INPUT_NOT_FOUND')
  })

  it('creates the parent directory of the output', async () => {
    const out = await writeOciArchive(join(dir, 'deep', 'er', 'img.tar'), [await image()])
    expect(await readdir(join(dir, 'deep', 'er'))).toEqual(['img.tar'])
    expect(out.path).toBe(join(dir, 'deep', 'er', 'img.tar'))
  })

  it('leaves no file behind, and the previous archive intact, when a write fails midway', async () => {
    const good = await writeOciArchive(join(dir, 'img.tar'), [await image()])
    const before = await readFile(good.path)
    const tampered = await image()
    const gz = tampered.layers[1]!.gz!
    gz.writeUInt8(gz.readUInt8(20) ^ 0xff, 20) // a layer changed after it was built
    const err = await errorOf(writeOciArchive(good.path, [tampered]))
    expect(err.code).toBe('OCI_MALFORMED')
    expect(await readdir(dir)).toEqual(['img.tar'])
    expect((await readFile(good.path)).equals(before)).toBe(true)

    await mkdir(join(dir, 'taken.tar')) // rename onto a directory fails after all bytes are written
    await expect(writeOciArchive(join(dir, 'taken.tar'), [await image()])).rejects.toThrow()
    expect((await readdir(dir)).sort()).toEqual(['img.tar', 'taken.tar'])
  })

  it('writes nothing when a layer file is missing', async () => {
    const build = async () => {
      const layer = await buildLayer([{ path: '/app/hello', type: 'file', mode: 0o755, sourcePath: join(dir, 'no-such-binary') }], { mtime: 0 })
      return writeOciArchive(join(dir, 'out', 'img.tar'), [{ platform: amd64, layers: [layer], config }])
    }
    expect((await errorOf(build())).code).toBe('INPUT_NOT_FOUND')
    expect(await readdir(dir)).toEqual([])
  })
})

/** Copies an archive entry by entry, renaming (or with null, dropping) entries. */
async function repack(from: string, to: string, rename: (name: string) => string | null): Promise<void> {
  const chunks: Buffer[] = []
  const tar = new TarWriter(async (c) => void chunks.push(Buffer.from(c)))
  for await (const e of readTar([await readFile(from)])) {
    const body: Buffer[] = []
    for await (const c of e.body) body.push(c)
    const name = rename(e.header.name)
    const type = e.header.type === 'directory' ? 'directory' : 'file'
    if (name !== null) await tar.entry({ name, type, mode: e.header.mode, mtime: e.header.mtime.getTime() / 1000 }, Buffer.concat(body))
  }
  await tar.end()
  await writeFile(to, Buffer.concat(chunks))
}

async function tarFiles(path: string): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  for await (const e of readTar([await readFile(path)])) {
    const chunks: Buffer[] = []
    for await (const c of e.body) chunks.push(c)
    files.set(e.header.name, Buffer.concat(chunks).toString('utf8'))
  }
  return files
}
