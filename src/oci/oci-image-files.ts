// Reads one file out of an image by replaying its layers the way a container
// runtime would (whiteouts, symlinks), without unpacking anything to disk.
import { createReadStream } from 'node:fs'
import { posix } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import * as zlib from 'node:zlib'
import * as tar from 'tar-stream'
import { GostaticError } from '../errors.js'
import type { OciPlatform } from './oci-types.js'
import type { OciArchive, OciArchiveImage } from './oci-reader.js'

type Source = tar.ExtractEvents['entry'][1]

/** One tar entry with its name normalized ('app/hello') and the byte offset of its data in the tar. */
export type TarItem = { name: string; header: tar.Header; offset: number; body: Source }

/** Iterates a tar stream; each body must be consumed or resumed before the next item. */
export async function* tarEntries(src: Readable): AsyncGenerator<TarItem> {
  const extract = tar.extract()
  const piping = pipeline(src, extract)
  piping.catch(() => undefined) // a failure surfaces through the iterator below
  for await (const body of extract) {
    // Source.offset is where the entry's 512-byte header starts (after any pax/GNU long-name blocks).
    yield { name: normalizeName(body.header.name), header: body.header, offset: body.offset + 512, body }
  }
  await piping
}

export function normalizeName(name: string): string {
  return posix.normalize('/' + name).slice(1).replace(/\/+$/, '')
}

/** The blob's bytes as stored in the archive (still compressed for layers). */
export function openBlob(archive: OciArchive, digest: string): Readable {
  const blob = archive.blobs.get(digest)
  if (!blob) throw new GostaticError('OCI_MALFORMED', `${archive.path}: blob ${digest} is not in the archive`)
  if (blob.bytes) return Readable.from([blob.bytes])
  if (blob.offset === undefined) throw new GostaticError('OCI_MALFORMED', `${archive.path}: blob ${digest} has no location`)
  if (blob.size === 0) return Readable.from([])
  return createReadStream(archive.path, { start: blob.offset, end: blob.offset + blob.size - 1 })
}

/** Layer blob → uncompressed tar stream, by magic number rather than trusting the media type. */
function openLayerTar(archive: OciArchive, digest: string): Readable {
  const raw = openBlob(archive, digest)
  const magic = archive.blobs.get(digest)!.magic
  let decoder: NodeJS.ReadWriteStream | undefined
  if (magic[0] === 0x1f && magic[1] === 0x8b) decoder = zlib.createGunzip()
  else if (magic.length === 4 && magic.readUInt32LE(0) === 0xfd2fb528) {
    const zstd = (zlib as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress
    if (!zstd) throw new GostaticError('UNSUPPORTED', `layer ${digest} is zstd-compressed; this Node has no zstd (needs Node >= 22.15)`)
    decoder = zstd()
  }
  return decoder ? decoded(raw, decoder) : raw
}

/** `raw` through `decoder`, with a failure on either side ending the returned stream. */
export function decoded(raw: Readable, decoder: NodeJS.ReadWriteStream): Readable {
  const out = new PassThrough()
  pipeline(raw, decoder, out).catch((err: unknown) => out.destroy(err as Error))
  return out
}

type Node = { type: tar.Header['type']; linkname: string | undefined; layer: number; ordinal: number }

/**
 * The file at `pathInImage` after applying the image's layers in order, or
 * null when it doesn't exist or isn't a regular file. Symlinks (also in
 * parent directories) are followed inside the image, never on the host.
 */
export async function readFileFromImage(archive: OciArchive, platform: OciPlatform, pathInImage: string): Promise<Uint8Array | null> {
  const image = findImage(archive, platform)
  const fs = new Map<string, Node>()
  for (const [i, layer] of image.layers.entries()) await applyLayer(fs, archive, layer.digest, i)
  const resolved = resolvePath(fs, pathInImage)
  const node = resolved === null ? undefined : fs.get(resolved)
  if (!node || node.type !== 'file') return null
  return readEntry(archive, image.layers[node.layer]!.digest, node.ordinal)
}

function findImage(archive: OciArchive, p: OciPlatform): OciArchiveImage {
  const hit = archive.images.find(
    (img) => img.platform.os === p.os && img.platform.architecture === p.architecture && (!p.variant || img.platform.variant === p.variant),
  )
  if (hit) return hit
  const have = archive.images.map((i) => [i.platform.os, i.platform.architecture, i.platform.variant].filter(Boolean).join('/'))
  const want = [p.os, p.architecture, p.variant].filter(Boolean).join('/')
  throw new GostaticError('INPUT_NOT_FOUND', `${archive.path} has no image for ${want} (it has: ${have.join(', ') || 'none'})`)
}

async function applyLayer(fs: Map<string, Node>, archive: OciArchive, digest: string, layer: number): Promise<void> {
  const added: [string, Node][] = []
  const removed: string[] = []
  let ordinal = 0
  for await (const { name, header, body } of tarEntries(openLayerTar(archive, digest))) {
    body.resume()
    const here = ordinal++
    const base = posix.basename(name)
    const dir = posix.dirname(name) === '.' ? '' : posix.dirname(name)
    if (base === '.wh..wh..opq') removed.push(`${dir}/`)
    else if (base.startsWith('.wh.')) removed.push(dir ? `${dir}/${base.slice(4)}` : base.slice(4))
    else if (name !== '') added.push([name, { type: header.type, linkname: header.linkname ?? undefined, layer, ordinal: here }])
  }
  // Whiteouts hide only what lower layers put there, so they go before this layer's own entries.
  for (const r of removed) deleteTree(fs, r)
  for (const [name, node] of added) {
    if (node.type !== 'directory') deleteTree(fs, `${name}/`)
    // A hard link names an earlier entry; what it reads is that entry's data.
    const target = node.type === 'link' && node.linkname !== undefined ? fs.get(normalizeName(node.linkname)) : undefined
    fs.set(name, target ?? node)
  }
}

function deleteTree(fs: Map<string, Node>, path: string): void {
  // 'dir/' clears the children only (opaque dir); 'dir/name' clears it and below.
  const prefix = path.endsWith('/') ? path : `${path}/`
  if (!path.endsWith('/')) fs.delete(path)
  for (const k of fs.keys()) if (prefix === '/' || k.startsWith(prefix)) fs.delete(k)
}

function resolvePath(fs: Map<string, Node>, path: string): string | null {
  let todo = path.split('/')
  const done: string[] = []
  for (let hops = 0; todo.length > 0; ) {
    const part = todo.shift()!
    if (part === '' || part === '.') continue
    if (part === '..') {
      done.pop()
      continue
    }
    const node = fs.get([...done, part].join('/'))
    if (node?.type === 'symlink' && node.linkname !== undefined) {
      if (++hops > 40) return null // a loop, as ELOOP would say
      if (node.linkname.startsWith('/')) done.length = 0
      todo = [...node.linkname.split('/'), ...todo]
      continue
    }
    done.push(part)
  }
  return done.join('/')
}

async function readEntry(archive: OciArchive, digest: string, ordinal: number): Promise<Uint8Array> {
  let i = 0
  for await (const { body } of tarEntries(openLayerTar(archive, digest))) {
    if (i++ !== ordinal) {
      body.resume()
      continue
    }
    const chunks: Buffer[] = []
    for await (const c of body) chunks.push(c as Buffer)
    return new Uint8Array(Buffer.concat(chunks))
  }
  throw new GostaticError('OCI_MALFORMED', `layer ${digest} changed while it was being read`)
}
