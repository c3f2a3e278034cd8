// Bombs and oversized declarations, each read in a child process whose peak
// RSS (process.resourceUsage().maxRSS) must stay under 300 MB, and whose
// outcome must be a typed error that says what was too large. Inputs are
// made here: gzip bombs (a GiB of zeros in a few MB), an archive that
// unpacks to 400 MiB, and a crafted registry serving bodies past their limits.
import { execFile } from 'node:child_process'
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeOciArchive } from '../../src/oci/oci-writer.js'
import { pullImage } from '../../src/registry/pull-image.js'
import { CraftedRegistry } from './crafted-registry.js'
import { gzipLayer, gzipLayerFile, imageJson, writeArchiveOfZeros } from './crafted-images.js'

const run = promisify(execFile)
const GiB = 1 << 30
const MiB = 1 << 20
const LIMIT_MB = 300
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-bombs-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

type ChildOut = { ok: boolean; value?: unknown; code?: string; message?: string; maxRssMb: number }

async function child(...args: string[]): Promise<ChildOut> {
  const tsx = resolve('node_modules/.bin/tsx')
  const { stdout } = await run(tsx, [resolve('test/reliability/rss-child.ts'), ...args], { maxBuffer: 1 << 20 })
  const out = JSON.parse(stdout.trim().split('\n').pop()!) as ChildOut
  console.log(`${args[0]}: peak RSS ${out.maxRssMb} MB (${out.ok ? 'ok' : out.code})`)
  return out
}

describe('reads of hostile images stay under 300 MB', () => {
  let bombArchive: string
  beforeAll(async () => {
    // /etc/passwd of 400 MiB and an entrypoint of 520 MiB, both zeros: under 1 MB gzipped; either, read
    // whole, takes the process past 300 MB.
    const layer = await gzipLayer([
      { name: 'etc/passwd', size: 400 * MiB, head: Buffer.from('root:x:0:0::/root:/bin/sh\n') },
      { name: 'app', size: 520 * MiB, head: Buffer.from('\x7fELF') },
    ])
    bombArchive = join(tmp, 'bomb.tar')
    const built = { gz: layer.gz, digest: layer.digest, size: layer.gz.length, diffId: layer.diffId }
    await writeOciArchive(bombArchive, [
      { platform: { os: 'linux', architecture: 'amd64' }, layers: [built], config: { Entrypoint: ['/app'] } },
    ])
  })

  it('refuses a gzip-bomb /etc/passwd in a base as too large, reading the file set as an engine does', async () => {
    const out = await child('files', bombArchive)
    expect(out).toMatchObject({ ok: false, code: 'OCI_MALFORMED', message: expect.stringMatching(/\/etc\/passwd .* too large/) })
    expect(out.maxRssMb).toBeLessThan(LIMIT_MB)
  })

  it('inspect reports a gzip-bomb entrypoint as too large instead of loading it', async () => {
    const out = await child('inspect', bombArchive)
    expect(out.ok, out.message).toBe(true)
    expect(String((out.value as string[])[0])).toMatch(/^unreadable: \/app: .*520\.00 MiB.* too large/)
    expect(out.maxRssMb).toBeLessThan(LIMIT_MB)
  })

  it('inspects a gzipped archive that unpacks to 400 MiB without holding it', async () => {
    const gz = join(tmp, 'big.tar.gz')
    await writeArchiveOfZeros(gz, [{ name: 'data', size: 400 * MiB }], true)
    const out = await child('inspect', gz)
    expect(out.ok, out.message).toBe(true)
    expect(out.value).toEqual(['missing: /app is not a file in the image'])
    expect(out.maxRssMb).toBeLessThan(LIMIT_MB)
  })
})

describe('a registry that sends more than it may', () => {
  const reg = new CraftedRegistry()
  let host: string
  beforeAll(async () => {
    host = await reg.start()
  })
  afterAll(() => reg.stop())

  it('refuses a manifest over 4 MiB as too large, naming the limit', async () => {
    const big = Buffer.concat([Buffer.from('{"schemaVersion":2,"pad":"'), Buffer.alloc(5 * MiB, 0x61), Buffer.from('"}')])
    reg.routes.set('/v2/huge/manifests/1', { body: big, type: 'application/vnd.oci.image.manifest.v1+json' })
    await expect(pullImage(`${host}/huge:1`, [{ os: 'linux', architecture: 'amd64' }], { cacheDir: null })).rejects.toMatchObject({
      code: 'REGISTRY_ERROR',
      message: expect.stringMatching(/too large.*limit of 4194304 bytes/),
    })
  })

  it('refuses a layer body past its declared size as too large, without reading the rest', async () => {
    const layer = await gzipLayer([{ name: 'etc/passwd', size: 10 }])
    const desc = { digest: layer.digest, diffId: layer.diffId, size: layer.gz.length, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }
    const img = imageJson([desc], {})
    const type = 'application/vnd.oci.image.manifest.v1+json'
    reg.routes.set('/v2/runaway/manifests/1', { body: img.manifest, type })
    reg.routes.set(`/v2/runaway/blobs/${img.cfgDigest}`, { body: img.cfg })
    let sent = 0
    reg.routes.set(`/v2/runaway/blobs/${layer.digest}`, {
      body: async function* () {
        for (; sent < 4 * GiB; sent += MiB) yield Buffer.alloc(MiB, 1)
      },
    })
    await expect(pullImage(`${host}/runaway:1`, [{ os: 'linux', architecture: 'amd64' }], { cacheDir: null })).rejects.toMatchObject({
      code: 'REGISTRY_ERROR',
      message: expect.stringMatching(new RegExp(`too large.*limit of ${layer.gz.length} bytes`)), // the declared size
    })
    expect(sent).toBeLessThan(256 * MiB)
  })

  it('pulls a base whose /etc/passwd is a gzip bomb and refuses the file as too large, under 300 MB', async () => {
    const layer = await gzipLayer([{ name: 'etc/passwd', size: 400 * MiB, head: Buffer.from('root:x:0:0::/:/bin/sh\n') }])
    const mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip'
    const img = imageJson([{ digest: layer.digest, diffId: layer.diffId, size: layer.gz.length, mediaType }], {})
    reg.routes.set('/v2/bomb/manifests/1', { body: img.manifest, type: 'application/vnd.oci.image.manifest.v1+json' })
    reg.routes.set(`/v2/bomb/blobs/${img.cfgDigest}`, { body: img.cfg })
    reg.routes.set(`/v2/bomb/blobs/${layer.digest}`, { body: layer.gz })
    const out = await child('pull', `${host}/bomb:1`)
    expect(out).toMatchObject({ ok: false, code: 'OCI_MALFORMED', message: expect.stringMatching(/\/etc\/passwd .* too large/) })
    expect(out.maxRssMb).toBeLessThan(LIMIT_MB)
  })

  it('pulls and inspects a 512 MiB layer as a stream, hashed on the way, under 300 MB', async () => {
    // Held whole (as pulled layers once were), its bytes alone pass the limit.
    const file = join(tmp, 'big-layer.gz')
    const layer = await gzipLayerFile(file, [{ name: 'data/big', size: 512 * MiB, head: Buffer.from('x') }])
    expect(layer.size).toBeGreaterThan(512 * MiB) // level 0: the blob itself is that big, not a bomb
    const mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip'
    const img = imageJson([{ ...layer, mediaType }], {})
    reg.routes.set('/v2/big/manifests/1', { body: img.manifest, type: 'application/vnd.oci.image.manifest.v1+json' })
    reg.routes.set(`/v2/big/blobs/${img.cfgDigest}`, { body: img.cfg })
    reg.routes.set(`/v2/big/blobs/${layer.digest}`, { body: () => createReadStream(file) })
    const cache = join(tmp, 'cache')
    const out = await child('pull', `${host}/big:1`, cache)
    // inspect of a registry reference reads the same layer into a temp file, not memory.
    const seen = await child('inspect', `${host}/big:1`)
    rmSync(file, { force: true })
    expect(seen, seen.message).toMatchObject({ ok: true })
    expect(seen.maxRssMb).toBeLessThan(LIMIT_MB)
    expect(out, out.message).toMatchObject({ ok: true, value: 1 }) // data/big (the tar has no entry for data/)
    expect(out.maxRssMb).toBeLessThan(LIMIT_MB)
    const cached = statSync(join(cache, 'blobs', 'sha256', layer.digest.slice('sha256:'.length)))
    expect(cached.size).toBe(layer.size)
    rmSync(cache, { recursive: true, force: true })
  })

  it('refuses an index.json-like document whose manifests is not a list, as OCI_MALFORMED', async () => {
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: {} }))
    reg.routes.set('/v2/notalist/manifests/1', { body, type: 'application/vnd.oci.image.index.v1+json' })
    await expect(pullImage(`${host}/notalist:1`, [{ os: 'linux', architecture: 'amd64' }], { cacheDir: null })).rejects.toMatchObject({
      code: 'OCI_MALFORMED',
      message: expect.stringContaining('manifests: '),
    })
  })
})
