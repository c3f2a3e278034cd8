// A base image whose blobs are what their digests say but not what they
// claim to be, served by a crafted registry: each is a typed error naming the
// blob and the image, and nothing reaches the cache (a later pull must not
// find half of a refused image).
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pullImage } from '../../src/registry/pull-image.js'
import { CraftedRegistry } from './crafted-registry.js'
import { gzipLayer, imageJson } from './crafted-images.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-pulled-malformed-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const GZ = 'application/vnd.oci.image.layer.v1.tar+gzip'
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const amd64 = [{ os: 'linux', architecture: 'amd64' }]
const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`
const blobsIn = (cache: string) => {
  const dir = join(cache, 'blobs', 'sha256')
  return existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith('.')) : []
}

describe('a pulled base whose blobs are malformed', () => {
  const reg = new CraftedRegistry()
  let host: string
  beforeAll(async () => {
    host = await reg.start()
  })
  afterAll(() => reg.stop())

  /** Serves an image `name` of one layer `gz` (listed with `diffId`) and config `cfg` (default: a good one). */
  function serve(name: string, gz: Buffer, diffId: string, cfg?: Buffer) {
    const img = imageJson([{ digest: digestOf(gz), diffId, size: gz.length, mediaType: GZ }], {})
    const config = cfg ?? img.cfg
    const manifest = cfg
      ? Buffer.from(img.manifest.toString().replace(img.cfgDigest, digestOf(cfg)).replace(`"size":${img.cfg.length}`, `"size":${cfg.length}`))
      : img.manifest
    reg.routes.set(`/v2/${name}/manifests/1`, { body: manifest, type: MANIFEST })
    reg.routes.set(`/v2/${name}/blobs/${digestOf(config)}`, { body: config })
    reg.routes.set(`/v2/${name}/blobs/${digestOf(gz)}`, { body: gz })
    return { layer: digestOf(gz), config: digestOf(config) }
  }
  const pull = (name: string, cacheDir: string) => pullImage(`${host}/${name}:1`, amd64, { cacheDir })

  it('refuses a layer that is not gzip as OCI_MALFORMED naming it, and caches nothing', async () => {
    const junk = Buffer.from('this is not gzip at all, though its digest is right')
    const { layer } = serve('notgzip', junk, digestOf(junk))
    const cache = join(tmp, 'c1')
    await expect(pull('notgzip', cache)).rejects.toMatchObject({
      code: 'OCI_MALFORMED',
      message: expect.stringMatching(new RegExp(`layer ${layer} of .*/notgzip:1 is not valid gzip`)),
    })
    expect(blobsIn(cache)).toEqual([])
  })

  it('refuses a layer whose tar is not the diff ID the config lists, and caches nothing', async () => {
    const real = await gzipLayer([{ name: 'etc/passwd', size: 10 }])
    const lie = `sha256:${'0'.repeat(64)}`
    serve('lyingconfig', real.gz, lie)
    const cache = join(tmp, 'c2')
    await expect(pull('lyingconfig', cache)).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
      message: expect.stringContaining(`unpacks to ${real.diffId} but the image config says ${lie}`),
    })
    expect(blobsIn(cache)).toEqual([])
  })

  it('refuses a layer body that does not hash to its digest, and caches nothing', async () => {
    const real = await gzipLayer([{ name: 'etc/passwd', size: 10 }])
    serve('corrupt', real.gz, real.diffId)
    const flipped = Buffer.from(real.gz)
    flipped[flipped.length - 5]! ^= 0xff
    reg.routes.set(`/v2/corrupt/blobs/${real.digest}`, { body: flipped })
    const cache = join(tmp, 'c3')
    await expect(pull('corrupt', cache)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH', message: expect.stringContaining(real.digest) })
    expect(blobsIn(cache)).toEqual([])
  })

  it('refuses a config that is not JSON as OCI_MALFORMED', async () => {
    const real = await gzipLayer([{ name: 'etc/passwd', size: 10 }])
    serve('badconfig', real.gz, real.diffId, Buffer.from('{"architecture": "amd64", '))
    await expect(pull('badconfig', join(tmp, 'c4'))).rejects.toMatchObject({
      code: 'OCI_MALFORMED',
      message: expect.stringMatching(/badconfig:1: config sha256:[0-9a-f]{64} is not JSON/),
    })
  })

  it('refuses a config that declares more than 4 MiB as too large, naming the limit, without asking for it', async () => {
    const real = await gzipLayer([{ name: 'etc/passwd', size: 10 }])
    const img = imageJson([{ digest: real.digest, diffId: real.diffId, size: real.gz.length, mediaType: GZ }], {})
    const manifest = Buffer.from(img.manifest.toString().replace(`"size":${img.cfg.length}`, `"size":${64 * 2 ** 30}`))
    reg.routes.set('/v2/hugeconfig/manifests/1', { body: manifest, type: MANIFEST })
    await expect(pull('hugeconfig', join(tmp, 'c5'))).rejects.toMatchObject({
      code: 'REGISTRY_ERROR',
      message: expect.stringMatching(/too large, more than the limit of 4194304 bytes/),
    })
    expect(reg.asked.filter((p) => p.startsWith('/v2/hugeconfig/blobs/'))).toEqual([])
  })
})
