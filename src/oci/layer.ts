// One image layer as a deterministic gzip'd tar: the same entries give the
// same bytes, so digests are reproducible and registries dedupe across builds.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { posix } from 'node:path'
import { Readable } from 'node:stream'
import { GostaticError } from '../errors.js'
import { GZIP_LEVEL, ParallelGzip } from './parallel-gzip.js'
import { TarWriter } from './tar-writer.js'

export type LayerEntry = {
  /** Absolute path in the image, e.g. '/app/hello'. */
  path: string
  type: 'file' | 'dir' | 'symlink'
  /** Permission bits incl. setuid/setgid/sticky (e.g. 0o1777); file-type bits are ignored. */
  mode: number
  uid?: number
  gid?: number
  /** File bytes; exactly one of content and sourcePath for a file. */
  content?: Uint8Array
  /** sha256 (hex) of `content` when the caller already has it, so the layer cache need not hash it again. */
  contentSha256?: string
  /** File read from disk at build time, streamed (never held whole in memory). */
  sourcePath?: string
  linkTarget?: string
}

/**
 * A layer gostatic builds is held in memory: a Go service layer is a few MB
 * to a few tens of MB, and the writer needs its digest before it writes the
 * manifest anyway. A pulled base layer lives in a file (the blob store), so
 * memory stays bounded whatever size a registry declares. Either way the
 * bytes must not change: the writer re-hashes them and refuses a mismatch.
 */
export type BuiltLayer = LayerDigests & ({ gz: Buffer; file?: undefined } | { file: string; gz?: undefined })

/** A layer whose compressed bytes are in memory (every layer buildLayer makes). */
export type MemoryLayer = LayerDigests & { gz: Buffer; file?: undefined }

type LayerDigests = {
  /** sha256 of the compressed bytes: the blob digest in the manifest. */
  digest: string
  /** Byte length of the compressed bytes. */
  size: number
  /** sha256 of the uncompressed tar: the rootfs diff_id in the config. */
  diffId: string
}

/** The layer's compressed bytes as a stream, from memory or from its file. */
export function openLayerGz(layer: BuiltLayer): Readable {
  return layer.file === undefined ? Readable.from([layer.gz]) : createReadStream(layer.file)
}

export type BuildLayerOptions = {
  /** Seconds since the epoch for every entry; default 0. The caller reads SOURCE_DATE_EPOCH. */
  mtime?: number
}

/** The gzip level of every layer (see parallel-gzip.ts for why 6). */
export const LAYER_GZIP_LEVEL = GZIP_LEVEL

type Resolved = LayerEntry & { name: string; size: number }

export async function buildLayer(entries: readonly LayerEntry[], opts: BuildLayerOptions = {}): Promise<MemoryLayer> {
  const resolved = await resolveEntries(entries)
  const mtime = Math.trunc(opts.mtime ?? 0)
  const tarHash = createHash('sha256')
  const gzip = new ParallelGzip(LAYER_GZIP_LEVEL)
  const tar = new TarWriter(async (chunk) => {
    tarHash.update(chunk)
    await gzip.write(chunk)
  })
  try {
    for (const e of resolved) await writeEntry(tar, e, mtime)
    await tar.end()
  } catch (err) {
    await gzip.end().catch(() => undefined) // settle the chunks in flight before failing
    throw err
  }
  const gz = await gzip.end()
  return {
    gz,
    digest: `sha256:${createHash('sha256').update(gz).digest('hex')}`,
    size: gz.length,
    diffId: `sha256:${tarHash.digest('hex')}`,
  }
}

async function writeEntry(tar: TarWriter, e: Resolved, mtime: number): Promise<void> {
  const type = e.type === 'dir' ? 'directory' : e.type
  const header = { name: e.name, type, mode: e.mode, uid: e.uid ?? 0, gid: e.gid ?? 0, mtime, size: e.size } as const
  if (e.type === 'symlink') return tar.entry({ ...header, linkname: e.linkTarget! })
  if (e.type === 'dir') return tar.entry(header)
  if (e.content !== undefined) return tar.entry(header, e.content)
  await tar.fileEntry(header, e.sourcePath!).catch((err: unknown) => {
    // Only a failure to read the source file is "cannot read"; a sink or gzip failure keeps its own error.
    const io = err as NodeJS.ErrnoException | undefined
    const reading = (io?.syscall === 'open' && io.path === e.sourcePath) || io?.syscall === 'read'
    throw reading ? unreadable(e, io!) : err
  })
}

/** Validates, adds missing parent dirs, and sorts by the stored name's bytes. */
async function resolveEntries(entries: readonly LayerEntry[]): Promise<Resolved[]> {
  const byPath = new Map<string, Resolved>()
  for (const e of entries) {
    const p = normalizePath(e.path)
    if (p === '/') continue // the root dir is the runtime's, never the layer's
    if (byPath.has(p)) throw invalid(e.path, 'appears twice in one layer')
    byPath.set(p, { ...e, path: p, name: p.slice(1) + (e.type === 'dir' ? '/' : ''), size: await sizeOf(e) })
  }
  for (const p of [...byPath.keys()]) {
    for (let dir = posix.dirname(p); dir !== '/'; dir = posix.dirname(dir)) {
      const parent = byPath.get(dir)
      if (parent && parent.type !== 'dir') throw invalid(p, `its parent ${dir} is a ${parent.type}`)
      if (!parent) byPath.set(dir, { path: dir, type: 'dir', mode: 0o755, name: dir.slice(1) + '/', size: 0 })
    }
  }
  return [...byPath.values()].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
}

function normalizePath(p: string): string {
  if (!p.startsWith('/')) throw invalid(p, 'must be absolute')
  const parts = p.split('/').filter((s) => s !== '')
  if (parts.some((s) => s === '.' || s === '..')) throw invalid(p, "must not contain '.' or '..'")
  return '/' + parts.join('/')
}

async function sizeOf(e: LayerEntry): Promise<number> {
  if (e.type === 'symlink') {
    if (!e.linkTarget) throw invalid(e.path, 'is a symlink without linkTarget')
    return 0
  }
  if (e.type === 'dir') return 0
  if ((e.content === undefined) === (e.sourcePath === undefined)) {
    throw invalid(e.path, 'needs exactly one of content and sourcePath')
  }
  if (e.content !== undefined) return e.content.byteLength
  const st = await stat(e.sourcePath!).catch((err: NodeJS.ErrnoException) => {
    throw unreadable(e, err)
  })
  if (!st.isFile())
    throw new GostaticError('INPUT_NOT_FOUND', `layer file ${e.path}: ${e.sourcePath} is not a regular file`)
  return st.size
}

function unreadable(e: LayerEntry, err: NodeJS.ErrnoException): GostaticError {
  const why = err.code ?? err.message
  return new GostaticError('INPUT_NOT_FOUND', `layer file ${e.path}: cannot read ${e.sourcePath}: ${why}`, {
    cause: err,
  })
}

function invalid(path: string, why: string): GostaticError {
  return new GostaticError('INVALID_CONFIG', `layer entry ${path} ${why}`)
}
