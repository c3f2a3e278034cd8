// An image index that fans out (each level listing the next several times)
// is walked once per digest, through the registry and in an archive: the
// request count and the images found do not grow with the fan-out. Input
// from a crafted registry and a hand-made OCI layout.
import { mkdtempSync, rmSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readRemoteImage } from '../../src/registry/remote-image.js'
import { readOciArchive } from '../../src/oci/oci-reader.js'
import { encodeHeader, padding } from '../../src/oci/tar-format.js'
import { CraftedRegistry } from './crafted-registry.js'
import { gzipLayer, imageJson } from './crafted-images.js'

const INDEX = 'application/vnd.oci.image.index.v1+json'
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const FAN = 6
const LEVELS = 4
const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-index-walk-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** Blobs of an image under LEVELS indexes, each listing the one below FAN times; the top's digest. */
async function fanOut(): Promise<{ blobs: Map<string, { body: Buffer; type: string }>; top: string }> {
  const layer = await gzipLayer([{ name: 'etc/hostname', size: 5 }])
  const mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip'
  const img = imageJson([{ digest: layer.digest, diffId: layer.diffId, size: layer.gz.length, mediaType }], {})
  const blobs = new Map<string, { body: Buffer; type: string }>([
    [layer.digest, { body: layer.gz, type: mediaType }],
    [img.cfgDigest, { body: img.cfg, type: 'application/vnd.oci.image.config.v1+json' }],
    [img.manifestDigest, { body: img.manifest, type: MANIFEST }],
  ])
  const platform = { os: 'linux', architecture: 'amd64' }
  let below = { mediaType: MANIFEST, digest: img.manifestDigest, size: img.manifest.length, platform }
  for (let l = 0; l < LEVELS; l++) {
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests: Array(FAN).fill(below) }))
    const digest = digestOf(body)
    blobs.set(digest, { body, type: INDEX })
    below = { mediaType: INDEX, digest, size: body.length, platform }
  }
  return { blobs, top: below.digest }
}

describe('an index that fans out is walked once per digest', () => {
  const reg = new CraftedRegistry()
  let host: string
  let image: Awaited<ReturnType<typeof fanOut>>
  beforeAll(async () => {
    host = await reg.start()
    image = await fanOut()
    for (const [digest, b] of image.blobs) {
      const kind = b.type === INDEX || b.type === MANIFEST ? 'manifests' : 'blobs'
      reg.routes.set(`/v2/fan/${kind}/${digest}`, { body: b.body, type: b.type, digest })
    }
    reg.routes.set('/v2/fan/manifests/1', { ...image.blobs.get(image.top)!, digest: image.top })
  })
  afterAll(() => reg.stop())

  it('through the registry: one request per manifest, however often an index lists it', async () => {
    const r = await readRemoteImage(`${host}/fan:1`)
    expect(r.archive.images).toHaveLength(1)
    const manifestGets = reg.asked.filter((p) => p.startsWith('/v2/fan/manifests/sha256:'))
    // LEVELS - 1 nested indexes and one image manifest; the top came by tag. Before: FAN^LEVELS requests.
    expect(manifestGets).toHaveLength(LEVELS)
    expect(new Set(manifestGets).size).toBe(manifestGets.length)
  })

  it('in an OCI archive: the same index resolves to the one image', async () => {
    const parts: Buffer[] = []
    const add = (name: string, body: Buffer) => {
      parts.push(encodeHeader({ name, type: 'file', mode: 0o644, size: body.length, mtime: 0 }), body)
      parts.push(Buffer.alloc(padding(body.length)))
    }
    const top = image.blobs.get(image.top)!
    add('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'))
    add('index.json', Buffer.from(JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: INDEX, digest: image.top, size: top.body.length }],
    })))
    for (const [digest, b] of image.blobs) add(`blobs/sha256/${digest.slice(7)}`, b.body)
    parts.push(Buffer.alloc(1024))
    const path = join(tmp, 'fan.tar')
    await writeFile(path, Buffer.concat(parts))
    const a = await readOciArchive(path)
    expect(a.images.map((i) => i.manifestDigest)).toEqual([[...image.blobs.keys()][2]])
  })
})
