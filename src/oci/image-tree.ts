// An image's file tree, replayed from its layers the way a container runtime
// applies them (whiteouts, opaque directories, hard links, symlinks), without
// unpacking anything to disk: one pass over the layers lists every path, and
// a file's bytes are read back from the layer that last wrote it.
import { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { ErrorCode, GostaticError } from '../errors.js'
import { humanBytes } from '../util/human-bytes.js'
import { NEEDS_TEXT_FILES, fileSet } from '../plan/image-files.js'
import type { ImageEntry, ImageEntryType, ImageFileSet } from '../plan/image-files.js'
import { resolveImagePath } from '../util/image-path.js'
import { decoded, INFLATE, normalizeName, openLayerTar, tarEntries } from './oci-image-files.js'
import { openLayerGz, type BuiltLayer } from './layer.js'
import type { OciArchive, OciArchiveImage } from './oci-reader.js'
import type { OciPlatform } from './oci-types.js'
import type { TarType } from './tar-format.js'
import { platformName } from './platform-name.js'
import { PathTrie } from './path-trie.js'
import { readTar } from './tar-reader.js'

/** Texts read whole (passwd, group, nsswitch.conf): real ones are kilobytes; a bigger one is refused, not loaded. */
export const TEXT_LIMIT = 1 << 20
/** Anything else read whole (the entrypoint program inspect parses). */
export const READ_LIMIT = 512 << 20

type Node = {
  type: TarType
  linkname: string | undefined
  mode: number
  uid: number
  gid: number
  size: number
  layer: number
  ordinal: number
}

export interface ImageTree {
  /** The regular file at `path` (symlinks followed inside the image), or null; over `limit` bytes is an error. */
  read(path: string, limit?: number): Promise<Uint8Array | null>
  /** Every path with its type, mode and owner, and the text of `texts` (default: what the needs check reads). */
  files(texts?: readonly string[]): Promise<ImageFileSet>
  /** Every path as the last layer that wrote it left it, sorted by path. */
  listing(): LayeredEntry[]
}

/** A path of the image with the index of the layer (0 = bottom) whose entry it is. */
export interface LayeredEntry extends ImageEntry {
  /** Relative to the root, without a leading slash: 'etc/passwd'. */
  readonly path: string
  readonly layer: number
}

/** Replays the layers of the archive's image for `platform` once; reads and listings then share it. */
export async function openImageTree(archive: OciArchive, platform: OciPlatform): Promise<ImageTree> {
  const image = findImage(archive, platform)
  return openLayersTree(image.layers.map((l) => ({ digest: l.digest, open: () => openLayerTar(archive, l.digest) })))
}

/** Replays built or pulled layers (a pulled base's), in order, the same way. */
export function openBuiltLayersTree(layers: readonly BuiltLayer[]): Promise<ImageTree> {
  const open = (l: BuiltLayer) => () => decoded(openLayerGz(l), createGunzip(INFLATE))
  return openLayersTree(layers.map((l) => ({ digest: l.digest, open: open(l) })))
}

/** A layer to replay: its digest (for messages) and its uncompressed tar, opened anew on each call. */
interface LayerSource {
  readonly digest: string
  readonly open: () => Readable
}

async function openLayersTree(layers: readonly LayerSource[]): Promise<ImageTree> {
  const fs = new PathTrie<Node>()
  for (const [i, layer] of layers.entries()) await applyLayer(fs, layer, i)
  const fileNode = (path: string): Node | undefined => {
    const key = resolvePath(fs, path)
    const node = key === null ? undefined : fs.get(key)
    return node?.type === 'file' || node?.type === 'contiguous-file' ? node : undefined
  }
  const read = async (path: string, limit = READ_LIMIT): Promise<Uint8Array | null> => {
    const node = fileNode(path)
    if (node === undefined) return null
    // The size is the tar header's word, and the body never yields more: checked before a byte is read.
    if (node.size > limit) throw tooLarge(layers[node.layer]!, path, node.size, limit)
    return readEntry(layers[node.layer]!, node.ordinal)
  }
  return {
    read,
    listing: () =>
      [...fs.entries()]
        .map(([path, n]): LayeredEntry => ({ path, layer: n.layer, ...entryOf(n) }))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    files: async (texts = NEEDS_TEXT_FILES) => {
      const rows = [...fs.entries()].map(([k, n]): [string, ImageEntry] => [k, entryOf(n)])
      const loaded: [string, string][] = []
      for (const path of texts) {
        const bytes = await read(path, TEXT_LIMIT)
        if (bytes !== null) loaded.push([path, Buffer.from(bytes).toString('utf8')])
      }
      return fileSet(rows, loaded)
    },
  }
}

/**
 * The file at `pathInImage` after applying the image's layers in order, or
 * null when it doesn't exist or isn't a regular file. Symlinks (also in
 * parent directories) are followed inside the image, never on the host.
 */
export async function readFileFromImage(
  archive: OciArchive,
  platform: OciPlatform,
  pathInImage: string,
): Promise<Uint8Array | null> {
  return (await openImageTree(archive, platform)).read(pathInImage)
}

const TYPES: Partial<Record<TarType, ImageEntryType>> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'dir',
  symlink: 'symlink',
}

function entryOf(n: Node): ImageEntry {
  const e = { type: TYPES[n.type] ?? 'other', mode: n.mode & 0o7777, uid: n.uid, gid: n.gid, size: n.size }
  return n.type === 'symlink' && n.linkname !== undefined ? { ...e, link: n.linkname } : e
}

function findImage(archive: OciArchive, p: OciPlatform): OciArchiveImage {
  const hit = archive.images.find(
    (img) =>
      img.platform.os === p.os &&
      img.platform.architecture === p.architecture &&
      (!p.variant || img.platform.variant === p.variant),
  )
  if (hit) return hit
  const have = archive.images.map((i) => platformName(i.platform))
  const want = platformName(p)
  throw new GostaticError(
    'INPUT_NOT_FOUND',
    `${archive.path} has no image for ${want} (it has: ${have.join(', ') || 'none'})`,
  )
}

async function applyLayer(fs: PathTrie<Node>, source: LayerSource, layer: number): Promise<void> {
  const added: [string, Node][] = []
  const removed: { key: string; opaque: boolean }[] = []
  let ordinal = 0
  // readTar directly, not tarEntries: one async generator less per entry of a 100,000-file layer.
  for await (const { header } of readTar(source.open(), `layer ${source.digest}`)) {
    const name = normalizeName(header.name)
    const here = ordinal++
    const slash = name.lastIndexOf('/')
    const base = name.slice(slash + 1)
    const dir = slash === -1 ? '' : name.slice(0, slash)
    if (base === '.wh..wh..opq') removed.push({ key: dir, opaque: true })
    else if (base.startsWith('.wh.'))
      removed.push({ key: dir ? `${dir}/${base.slice(4)}` : base.slice(4), opaque: false })
    else if (name !== '') {
      const { type, mode, uid, gid, size } = header
      added.push([name, { type, linkname: header.linkname ?? undefined, mode, uid, gid, size, layer, ordinal: here }])
    }
  }
  // Whiteouts hide only what lower layers put there, so they go before this layer's own entries.
  for (const r of removed) r.opaque ? fs.clearBelow(r.key) : fs.delete(r.key)
  for (const [name, node] of added) {
    // A hard link names an earlier entry; what it reads is that entry's data.
    const target =
      node.type === 'link' && node.linkname !== undefined ? fs.get(normalizeName(node.linkname)) : undefined
    fs.set(name, target ?? node, node.type === 'directory')
  }
}

function resolvePath(fs: PathTrie<Node>, path: string): string | null {
  return resolveImagePath(path, (key) => {
    const node = fs.get(key)
    return node?.type === 'symlink' ? node.linkname : undefined
  })
}

function tooLarge(source: LayerSource, path: string, size: number, limit: number): GostaticError {
  const why =
    `${path} in layer ${source.digest} is ${humanBytes(size)}, more than the ${humanBytes(limit)} ` + `gostatic reads`
  return new GostaticError(ErrorCode.OCI_MALFORMED, `${why}: too large`, {
    hint: 'a file this size where a small text or a program is expected is damaged or hostile input',
  })
}

async function readEntry(source: LayerSource, ordinal: number): Promise<Uint8Array> {
  let i = 0
  for await (const { body } of tarEntries(source.open(), `layer ${source.digest}`)) {
    if (i++ !== ordinal) {
      body.resume()
      continue
    }
    const chunks: Buffer[] = []
    for await (const c of body) chunks.push(c)
    return new Uint8Array(Buffer.concat(chunks))
  }
  throw new GostaticError('OCI_MALFORMED', `layer ${source.digest} changed while it was being read`)
}
