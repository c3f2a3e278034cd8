// Writes built layers as one OCI image-layout tar that also carries a docker
// `manifest.json`, so a single file feeds `docker load`, `podman load` and
// `skopeo ... oci-archive:` without a daemon on our side.
import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { GostaticError } from '../errors.js'
import { requireOutputPath, writeAtomic } from '../util/atomic-write.js'
import { TarWriter, fileSink } from './tar-writer.js'
import type { BuiltLayer } from './layer.js'
import { Media } from './media-types.js'
import type { OciImageConfig, OciPlatform } from './oci-types.js'
import { platformName } from './platform-name.js'
import { rfc3339 } from '../util/source-date-epoch.js'
import { sha256 } from '../util/digest.js'

export type { OciImageConfig, OciPlatform } from './oci-types.js'

export type OciImageInput = {
  platform: OciPlatform
  layers: BuiltLayer[]
  config: OciImageConfig
  /** RFC 3339; defaults to the archive's sourceDateEpoch. */
  created?: string
  /** Manifest annotations. */
  annotations?: Record<string, string>
  /** `created_by` per layer for `docker history`; defaults to 'gostatic'. */
  history?: string[]
}

export type WriteOciOptions = {
  /** e.g. 'gostatic.local/hello:latest': index annotation and docker RepoTags. */
  refName?: string
  /** Seconds; default `created` and the archive's own entry mtimes. The caller reads SOURCE_DATE_EPOCH. */
  sourceDateEpoch?: number
  /**
   * The one image `docker load` sees (manifest.json can hold one image per
   * tag). Default: the host's linux/<arch> if present, else the first image.
   * Pass it explicitly for archives that must be identical across hosts.
   */
  loadPlatform?: OciPlatform
  /** Manifests that ride along, listed in index.json under their own ref name (cosign's sha256-<hex>.sig tags). */
  attachments?: readonly OciAttachmentInput[]
}

/** A manifest with all its blobs, e.g. a signature; `refName` is the tag it is pushed under. */
export type OciAttachmentInput = {
  refName: string
  digest: string
  manifest: Buffer
  blobs: readonly { digest: string; bytes: Buffer }[]
}

export type OciManifestRef = { platform: OciPlatform; digest: string; size: number; configDigest: string }

export type WrittenOciArchive = {
  path: string
  /** Digest of the single manifest, or of the image index when several platforms. */
  indexDigest: string
  manifests: OciManifestRef[]
  /** Total bytes of all distinct blobs. */
  size: number
}

const REF_NAME = 'org.opencontainers.image.ref.name'

/** A blob to write: its bytes in memory, or a layer whose bytes are in a file (a pulled base's). */
type Blob = { digest: string; size: number; bytes?: Buffer; layer?: BuiltLayer }
type Descriptor = {
  mediaType: string
  digest: string
  size: number
  platform?: OciPlatform
  annotations?: Record<string, string>
}
type Layout = {
  blobs: Blob[]
  indexJson: string
  dockerManifest: string
  top: Descriptor
  manifests: (OciManifestRef & { layers: string[] })[]
}

export async function writeOciArchive(
  outPath: string,
  images: readonly OciImageInput[],
  opts: WriteOciOptions = {},
): Promise<WrittenOciArchive> {
  const path = requireOutputPath(outPath, 'an OCI archive')
  const epoch = Math.trunc(opts.sourceDateEpoch ?? 0)
  const layout = planLayout(outPath, images, opts.refName, epoch, opts.loadPlatform, opts.attachments ?? [])
  await writeAtomically(path, async (tar) => {
    const put = (name: string, body?: Buffer) =>
      body
        ? tar.entry({ name, type: 'file', mode: 0o644, mtime: epoch }, body)
        : tar.entry({ name, type: 'directory', mode: 0o755, mtime: epoch })
    await put('oci-layout', Buffer.from(canonicalJson({ imageLayoutVersion: '1.0.0' })))
    await put('index.json', Buffer.from(layout.indexJson))
    await put('manifest.json', Buffer.from(layout.dockerManifest))
    await put('blobs/')
    await put('blobs/sha256/')
    for (const b of layout.blobs) {
      // Re-hash layer bytes as they go out: a BuiltLayer whose buffer (or file) was
      // changed after it was built or pulled must not produce an archive that lies.
      if (b.layer?.file !== undefined) {
        const h = createHash('sha256')
        const header = { name: blobPath(b.digest), type: 'file', mode: 0o644, mtime: epoch, size: b.size } as const
        await tar.fileEntry(header, b.layer.file, (c) => h.update(c))
        if (`sha256:${h.digest('hex')}` !== b.digest) throw changedLayer(b.digest)
        continue
      }
      const bytes = b.bytes!
      if (b.layer && (sha256(bytes) !== b.digest || bytes.length !== b.layer.size)) throw changedLayer(b.digest)
      await put(blobPath(b.digest), bytes)
    }
  })
  return {
    path,
    indexDigest: layout.top.digest,
    manifests: layout.manifests.map(({ layers: _, ...m }) => m),
    size: layout.blobs.reduce((n, b) => n + b.size, 0),
  }
}

/** The digests an archive of `images` will have (the top and each manifest), without writing it. */
export function ociLayoutDigests(
  images: readonly OciImageInput[],
  opts: WriteOciOptions = {},
): { top: { mediaType: string; digest: string; size: number }; manifests: OciManifestRef[] } {
  const layout = planLayout(
    '(not written)',
    images,
    undefined,
    Math.trunc(opts.sourceDateEpoch ?? 0),
    opts.loadPlatform,
    [],
  )
  return {
    top: { mediaType: layout.top.mediaType, digest: layout.top.digest, size: layout.top.size },
    manifests: layout.manifests.map(({ layers: _, ...m }) => m),
  }
}

/** Every blob and the two top-level JSON files, decided before a byte is written. */
function planLayout(
  outPath: string,
  images: readonly OciImageInput[],
  refName: string | undefined,
  epoch: number,
  loadPlatform: OciPlatform | undefined,
  attachments: readonly OciAttachmentInput[],
): Layout {
  if (images.length === 0) throw new GostaticError('INVALID_CONFIG', `OCI archive ${outPath}: no images to write`)
  const blobs = new Map<string, Blob>()
  const addJson = (value: unknown): { digest: string; size: number } => {
    const bytes = Buffer.from(canonicalJson(value))
    const digest = sha256(bytes)
    blobs.set(digest, { digest, size: bytes.length, bytes })
    return { digest, size: bytes.length }
  }
  const seen = new Set<string>()
  const manifests = images.map((img) => {
    const key = platformName(img.platform)
    if (seen.has(key))
      throw new GostaticError('INVALID_CONFIG', `OCI archive ${outPath}: platform ${key} appears twice`)
    seen.add(key)
    if (img.history && img.history.length !== img.layers.length) {
      throw new GostaticError(
        'INVALID_CONFIG',
        `image ${key}: history has ${img.history.length} entries for ${img.layers.length} layers`,
      )
    }
    const platform = cleanPlatform(img.platform)
    const created = img.created ?? rfc3339(epoch)
    const config = addJson({
      ...platform,
      created,
      config: img.config,
      rootfs: { type: 'layers', diff_ids: img.layers.map((l) => l.diffId) },
      history: img.layers.map((_, i) => ({ created, created_by: img.history?.[i] ?? 'gostatic' })),
    })
    for (const l of img.layers)
      blobs.set(l.digest, { digest: l.digest, size: l.size, layer: l, ...(l.gz ? { bytes: l.gz } : {}) })
    const manifest = addJson({
      schemaVersion: 2,
      mediaType: Media.ociManifest,
      config: { mediaType: Media.ociConfig, ...config },
      layers: img.layers.map((l) => ({ mediaType: Media.ociLayerGzip, digest: l.digest, size: l.size })),
      annotations: img.annotations && Object.keys(img.annotations).length > 0 ? img.annotations : undefined,
    })
    return { platform, ...manifest, configDigest: config.digest, layers: img.layers.map((l) => l.digest) }
  })

  const annotations = refName ? { [REF_NAME]: refName } : undefined
  const descs = manifests.map((m) => ({
    mediaType: Media.ociManifest,
    digest: m.digest,
    size: m.size,
    platform: m.platform,
  }))
  // One platform: index.json points straight at the manifest, as docker and
  // skopeo write it. Several: at one image index, so the ref names them all.
  const top: Descriptor =
    descs.length === 1
      ? { ...descs[0]!, annotations }
      : {
          mediaType: Media.ociIndex,
          ...addJson({ schemaVersion: 2, mediaType: Media.ociIndex, manifests: descs }),
          annotations,
        }
  const load = pickLoadImage(manifests, loadPlatform)
  for (const a of attachments) {
    blobs.set(a.digest, { digest: a.digest, size: a.manifest.length, bytes: a.manifest })
    for (const b of a.blobs) blobs.set(b.digest, { digest: b.digest, size: b.bytes.length, bytes: b.bytes })
  }
  const extra = attachments.map((a) => ({
    mediaType: Media.ociManifest,
    digest: a.digest,
    size: a.manifest.length,
    annotations: { [REF_NAME]: a.refName },
  }))
  return {
    blobs: [...blobs.values()].sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0)),
    indexJson: canonicalJson({ schemaVersion: 2, mediaType: Media.ociIndex, manifests: [top, ...extra] }),
    dockerManifest: canonicalJson([
      { Config: blobPath(load.configDigest), RepoTags: refName ? [refName] : [], Layers: load.layers.map(blobPath) },
    ]),
    top,
    manifests,
  }
}

/** JSON with keys sorted at every level and undefined dropped: same value, same bytes, same digest. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) out[k] = (v as Record<string, unknown>)[k]
    return out
  })
}

/** Temp file in the same folder, fsync, rename: readers see the whole archive or none. */
async function writeAtomically(path: string, fill: (tar: TarWriter) => Promise<void>): Promise<void> {
  await writeAtomic(path, async (tmp) => {
    const fh = await open(tmp, 'wx', 0o644)
    try {
      const tar = new TarWriter(fileSink(fh))
      await fill(tar)
      await tar.end()
      await fh.sync() // before the rename, so it never exposes unwritten data
    } finally {
      await fh.close()
    }
  })
}

function pickLoadImage<T extends { platform: OciPlatform }>(refs: T[], want: OciPlatform | undefined): T {
  const target = want ?? { os: 'linux', architecture: hostArch() }
  const hit = refs.find(
    (r) =>
      r.platform.os === target.os &&
      r.platform.architecture === target.architecture &&
      (!want?.variant || r.platform.variant === want.variant),
  )
  if (!hit && want)
    throw new GostaticError('INVALID_CONFIG', `loadPlatform ${platformName(want)} is not among the images`)
  return hit ?? refs[0]!
}

function hostArch(): string {
  const goArch: Record<string, string> = { x64: 'amd64', ia32: '386', ppc64: 'ppc64le' }
  return goArch[process.arch] ?? process.arch
}

function cleanPlatform(p: OciPlatform): OciPlatform {
  return p.variant
    ? { os: p.os, architecture: p.architecture, variant: p.variant }
    : { os: p.os, architecture: p.architecture }
}

const blobPath = (digest: string): string => `blobs/sha256/${digest.slice('sha256:'.length)}`

function changedLayer(digest: string): GostaticError {
  return new GostaticError('OCI_MALFORMED', `layer ${digest}: its bytes no longer match its digest or size`)
}
