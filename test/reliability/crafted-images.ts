// Hostile images made on the fly: tars whose files are long runs of zeros
// (a gzip bomb: a few MB compressed, a GiB unpacked), streamed so the test
// itself never holds them, and OCI archives around them.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { encodeHeader, padding } from '../../src/oci/tar-format.js'

export type CraftedFile = { name: string; size: number; head?: Buffer }

const ZEROS = Buffer.alloc(1 << 20)

/** The tar of `files`, each `head` then zeros to `size`, as a stream of chunks. */
export async function* tarOfZeros(files: readonly CraftedFile[]): AsyncGenerator<Buffer> {
  for (const f of files) {
    yield encodeHeader({ name: f.name, type: 'file', mode: 0o644, size: f.size, mtime: 0 })
    const head = f.head ?? Buffer.alloc(0)
    yield head
    for (let left = f.size - head.length; left > 0; left -= ZEROS.length) yield ZEROS.subarray(0, Math.min(left, ZEROS.length))
    yield Buffer.alloc(padding(f.size))
  }
  yield Buffer.alloc(1024)
}

const sha = () => createHash('sha256')
const hex = (h: ReturnType<typeof sha>) => `sha256:${h.digest('hex')}`

/** A gzipped layer of `files`: its bytes (small for zeros), digest and diff ID. */
export async function gzipLayer(files: readonly CraftedFile[]): Promise<{ gz: Buffer; digest: string; diffId: string }> {
  const diff = sha()
  const chunks: Buffer[] = []
  const tap = async function* (src: AsyncIterable<Buffer>) {
    for await (const c of src) {
      diff.update(c)
      yield c
    }
  }
  const gzip = createGzip({ level: 1 })
  gzip.on('data', (c: Buffer) => chunks.push(c))
  await pipeline(Readable.from(tap(tarOfZeros(files))), gzip)
  const gz = Buffer.concat(chunks)
  return { gz, digest: hex(sha().update(gz)), diffId: hex(diff) }
}

/** The JSON blobs of a one-platform OCI image over `layers`. */
export function imageJson(layers: readonly { digest: string; diffId: string; size: number; mediaType: string }[], config: object) {
  const cfg = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config,
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    }),
  )
  const cfgDigest = hex(sha().update(cfg))
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cfgDigest, size: cfg.length },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    }),
  )
  return { cfg, cfgDigest, manifest, manifestDigest: hex(sha().update(manifest)) }
}

/**
 * An OCI layout tar whose one layer is an uncompressed tar of `files` (so the archive is as big as
 * they are), written through gzip when `gzip` is set: a small file that unpacks to a large archive.
 */
export async function writeArchiveOfZeros(path: string, files: readonly CraftedFile[], gzip: boolean): Promise<void> {
  const diff = sha()
  let size = 0
  for await (const c of tarOfZeros(files)) {
    diff.update(c)
    size += c.length
  }
  const layerDigest = hex(diff)
  const layer = { digest: layerDigest, diffId: layerDigest, size, mediaType: 'application/vnd.oci.image.layer.v1.tar' }
  const { cfg, cfgDigest, manifest, manifestDigest } = imageJson([layer], { Entrypoint: ['/app'] })
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length }],
    }),
  )
  const blob = (d: string) => `blobs/sha256/${d.slice(7)}`
  async function* archive(): AsyncGenerator<Buffer> {
    const small = (name: string, b: Buffer) => [
      encodeHeader({ name, type: 'file', mode: 0o644, size: b.length, mtime: 0 }),
      b,
      Buffer.alloc(padding(b.length)),
    ]
    yield* small('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'))
    yield* small('index.json', index)
    yield* small(blob(manifestDigest), manifest)
    yield* small(blob(cfgDigest), cfg)
    yield encodeHeader({ name: blob(layerDigest), type: 'file', mode: 0o644, size, mtime: 0 })
    for await (const c of tarOfZeros(files)) yield c
    yield Buffer.alloc(padding(size))
    yield Buffer.alloc(1024)
  }
  const out = createWriteStream(path)
  if (gzip) await pipeline(Readable.from(archive()), createGzip({ level: 1 }), out)
  else await pipeline(Readable.from(archive()), out)
}

/** A gzipped layer of `files` written to `path` (level 0: as big as its tar, made fast); its digest, diff ID and size. */
export async function gzipLayerFile(path: string, files: readonly CraftedFile[]) {
  const diff = sha()
  const blob = sha()
  let size = 0
  const tap = async function* (src: AsyncIterable<Buffer>) {
    for await (const c of src) {
      diff.update(c)
      yield c
    }
  }
  const count = async function* (src: AsyncIterable<Buffer>) {
    for await (const c of src) {
      blob.update(c)
      size += c.length
      yield c
    }
  }
  await pipeline(Readable.from(tap(tarOfZeros(files))), createGzip({ level: 0 }), count, createWriteStream(path))
  return { digest: hex(blob), diffId: hex(diff), size }
}
