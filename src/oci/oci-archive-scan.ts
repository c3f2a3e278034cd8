// Reads an archive tar once: hashes every file as it streams past and keeps
// small ones in memory, large ones as offsets into the file.
import { createHash, getHashes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { posix } from 'node:path'
import type { z } from 'zod'
import { GostaticError } from '../errors.js'
import { checkShape } from './oci-schemas.js'
import { normalizeName, tarEntries } from './oci-image-files.js'
import { gunzippedCopy } from './gunzipped-copy.js'
import type { OciBlob } from './oci-reader.js'

/** A file in the archive tar, as scanned once; `digest` is what its content hashes to. */
export type ArchiveFile = OciBlob & { name: string }
export type ScannedArchive = { path: string; files: Map<string, ArchiveFile>; links: Map<string, string> }

const KEEP_IN_MEMORY = 1 << 20
/** Registries refuse manifests over 4 MiB; a config or index bigger than this is not one gostatic will parse. */
const JSON_LIMIT = 8 << 20
const BLOB_PATH = /^blobs\/([a-z0-9]+)\/([a-f0-9]+)$/

export async function scan(path: string): Promise<ScannedArchive> {
  const magic = await readRange(path, 0, 2).catch((err: NodeJS.ErrnoException) => {
    throw new GostaticError(
      'INPUT_NOT_FOUND',
      `image archive ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`,
      { cause: err },
    )
  })
  // `docker save | gzip` is common; offsets into a gzip stream are useless, so it is unpacked
  // to a private temp file first (streamed: memory stays flat whatever the archive holds).
  const gzipped = magic[0] === 0x1f && magic[1] === 0x8b
  const file = gzipped ? await gunzippedCopy(path) : path
  const src = createReadStream(file)
  const files = new Map<string, ArchiveFile>()
  const links = new Map<string, string>()
  try {
    for await (const { name, header, offset, body } of tarEntries(src, `image archive ${path}`)) {
      if (header.type === 'symlink' || header.type === 'link') {
        const target = header.linkname ?? ''
        links.set(
          name,
          header.type === 'link' ? normalizeName(target) : normalizeName(posix.join(posix.dirname(name), target)),
        )
      }
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        body.resume()
        continue
      }
      const alg = BLOB_PATH.exec(name)?.[1] ?? 'sha256'
      if (!getHashes().includes(alg))
        throw new GostaticError('UNSUPPORTED', `${path}: blob ${name} uses digest algorithm ${alg}`)
      const hash = createHash(alg)
      const size = header.size
      const keep = size <= KEEP_IN_MEMORY
      const chunks: Buffer[] = []
      let head = Buffer.alloc(0)
      for await (const chunk of body) {
        hash.update(chunk)
        if (keep) chunks.push(chunk)
        if (head.length < 4) head = Buffer.concat([head, chunk.subarray(0, 4 - head.length)])
      }
      const rec: ArchiveFile = { name, digest: `${alg}:${hash.digest('hex')}`, size, magic: head }
      if (keep) rec.bytes = Buffer.concat(chunks)
      else Object.assign(rec, { offset }, file === path ? {} : { file })
      files.set(name, rec)
    }
  } catch (err) {
    if (err instanceof GostaticError) throw err
    throw malformed(path, `is not a readable tar archive: ${(err as Error).message}`, err)
  }
  return { path, files, links }
}

/** The file at `name`, following the archive's own links (docker save dedupes layers with them). */
export function archiveFile(s: ScannedArchive, name: string): ArchiveFile | undefined {
  let n = normalizeName(name)
  for (let i = 0; i < 16 && !s.files.has(n) && s.links.has(n); i++) n = s.links.get(n)!
  return s.files.get(n)
}

/** Blob files checked against the digest their path claims; a mismatch names the blob. */
export function verifiedBlobs(s: ScannedArchive): Map<string, OciBlob> {
  const blobs = new Map<string, OciBlob>()
  for (const f of s.files.values()) {
    const m = BLOB_PATH.exec(f.name)
    if (!m) continue
    const claimed = `${m[1]}:${m[2]}`
    if (f.digest !== claimed) throw malformed(s.path, `blob ${claimed} is corrupt: its content hashes to ${f.digest}`)
    blobs.set(claimed, blobOf(f))
  }
  return blobs
}

export function blobOf(f: ArchiveFile): OciBlob {
  const b: OciBlob = { digest: f.digest, size: f.size, magic: f.magic }
  if (f.bytes) b.bytes = f.bytes
  if (f.offset !== undefined) b.offset = f.offset
  if (f.file !== undefined) b.file = f.file
  return b
}

/** A JSON blob, checked against `schema` before anyone reads a field. */
export async function readBlobJson<T extends z.ZodType>(
  path: string,
  blobs: ReadonlyMap<string, OciBlob>,
  digest: string,
  what: string,
  schema: T,
): Promise<z.infer<T>> {
  const blob = blobs.get(digest)
  if (!blob) throw malformed(path, `${what} ${digest} is not in the archive`)
  if (blob.size > JSON_LIMIT)
    throw malformed(path, `${what} ${digest} is ${blob.size} bytes: too large for a JSON document`)
  const doc = parseJson(path, await blobBytes(path, blob), `${what} ${digest}`)
  return checkShape(schema, doc, `image archive ${path}`, `${what} ${digest}`)
}

/** A top-level JSON file of the archive (index.json, manifest.json), checked against `schema`. */
export async function readFileJson<T extends z.ZodType>(
  s: ScannedArchive,
  name: string,
  schema: T,
): Promise<z.infer<T>> {
  const f = archiveFile(s, name)
  if (!f) throw malformed(s.path, `has no ${name}`)
  if (f.size > JSON_LIMIT) throw malformed(s.path, `${name} is ${f.size} bytes: too large for a JSON document`)
  return checkShape(schema, parseJson(s.path, await blobBytes(s.path, f), name), `image archive ${s.path}`, name)
}

export async function blobBytes(path: string, blob: OciBlob): Promise<Buffer> {
  return blob.bytes ?? (await readRange(blob.file ?? path, blob.offset ?? 0, blob.size))
}

export function parseJson(path: string, bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown
  } catch (err) {
    throw malformed(path, `${what} is not valid JSON: ${(err as Error).message}`, err)
  }
}

export function malformed(path: string, what: string, cause?: unknown): GostaticError {
  return new GostaticError(
    'OCI_MALFORMED',
    `image archive ${path}: ${what}`,
    cause === undefined ? undefined : { cause },
  )
}

async function readRange(path: string, offset: number, length: number): Promise<Buffer> {
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.alloc(length)
    const { bytesRead } = await fh.read(buf, 0, length, offset)
    return buf.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}
