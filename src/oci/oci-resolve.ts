// Turns a scanned archive into images: OCI index → (nested indexes) →
// manifests → config + layers, or docker save's manifest.json → configs + layer tars.
import { posix } from 'node:path'
import type { OciPlatform } from './oci-types.js'
import type { ScannedArchive } from './oci-archive-scan.js'
import { archiveFile, blobOf, malformed, readBlobJson, readFileJson, verifiedBlobs } from './oci-archive-scan.js'
import type { OciArchive, OciArchiveImage, OciBlob } from './oci-reader.js'
import { attachmentInfo, parseAttachmentTag, type AttachmentInfo } from './oci-attachments.js'
import { configFileSchema, dockerSaveSchema, layoutIndexSchema, manifestDocSchema } from './oci-schemas.js'
import type { ManifestDocument } from './oci-schemas.js'
import type { z } from 'zod'
import type { descriptorSchema } from './oci-schemas.js'

type Resolved = Omit<OciArchive, 'path'>
type Descriptor = z.infer<typeof descriptorSchema>
type Manifest = ManifestDocument

/** An index may fan out, even to itself: each manifest is read once, and a walk stops past this many. */
export const MAX_MANIFESTS = 1024

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
])
const MANIFEST_TYPES = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
])
const REF_NAME = 'org.opencontainers.image.ref.name'

export async function resolveOciLayout(s: ScannedArchive): Promise<Resolved> {
  const blobs = verifiedBlobs(s)
  const index = await readFileJson(s, 'index.json', layoutIndexSchema)
  const listed = index.manifests
  // Signatures and attestations listed under cosign's tag names are not images.
  const top = listed.filter((d) => !parseAttachmentTag(d.annotations?.[REF_NAME]))
  if (top.length === 0) throw malformed(s.path, 'index.json lists no manifests')
  const attachments: AttachmentInfo[] = []
  for (const d of listed) {
    const tag = d.annotations?.[REF_NAME]
    if (!tag || !parseAttachmentTag(tag)) continue
    checkDescriptor(s.path, blobs, d)
    const doc = await readBlobJson(s.path, blobs, d.digest, 'manifest', manifestDocSchema)
    attachments.push(attachmentInfo(tag, d.digest, doc)!)
  }
  const images = new Map<string, OciArchiveImage>()
  const seen = new Set<string>()

  const visit = async (desc: Descriptor, depth: number): Promise<void> => {
    checkDescriptor(s.path, blobs, desc)
    if (depth > 4) throw malformed(s.path, `image indexes nest deeper than 4 at ${desc.digest}`)
    // buildx puts attestations next to images; they have no runnable platform.
    if (desc.annotations?.['vnd.docker.reference.type'] || desc.platform?.os === 'unknown') return
    // Each document is read once, however many indexes (or the index itself) list it.
    if (seen.has(desc.digest)) return
    seen.add(desc.digest)
    if (seen.size > MAX_MANIFESTS) throw malformed(s.path, `its indexes lead to more than ${MAX_MANIFESTS} manifests`)
    const doc = await readBlobJson(s.path, blobs, desc.digest, 'manifest', manifestDocSchema)
    const type = desc.mediaType ?? doc.mediaType ?? (doc.manifests ? [...INDEX_TYPES][0] : [...MANIFEST_TYPES][0])!
    if (INDEX_TYPES.has(type)) {
      for (const d of doc.manifests ?? []) await visit(d, depth + 1)
    } else if (MANIFEST_TYPES.has(type) && !images.has(desc.digest)) {
      images.set(desc.digest, await imageOf(s.path, blobs, desc, doc))
    }
  }
  for (const d of top) await visit(d, 0)
  if (images.size === 0) throw malformed(s.path, 'index.json leads to no image manifests')

  const refName = top.map((d) => d.annotations?.[REF_NAME]).find((r) => r !== undefined)
  const indexDigest = top.length === 1 ? top[0]!.digest : archiveFile(s, 'index.json')!.digest
  return {
    format: 'oci',
    indexDigest,
    ...(refName ? { refName } : {}),
    images: [...images.values()],
    blobs,
    attachments,
  }
}

async function imageOf(
  path: string,
  blobs: Map<string, OciBlob>,
  desc: Descriptor,
  m: Manifest,
): Promise<OciArchiveImage> {
  if (!m.config?.digest || !Array.isArray(m.layers))
    throw malformed(path, `manifest ${desc.digest} has no config or layers`)
  checkDescriptor(path, blobs, m.config)
  const config = await readBlobJson(path, blobs, m.config.digest, 'config', configFileSchema)
  const diffIds = config.rootfs.diff_ids
  const layers = m.layers.map((l, i) => {
    checkDescriptor(path, blobs, l)
    return {
      digest: l.digest,
      mediaType: l.mediaType ?? '',
      size: l.size,
      ...(diffIds[i] ? { diffId: diffIds[i] } : {}),
    }
  })
  return {
    platform: platformOf(desc.platform ?? config),
    manifestDigest: desc.digest,
    configDigest: m.config.digest,
    config,
    layers,
    annotations: m.annotations ?? {},
  }
}

function checkDescriptor(path: string, blobs: Map<string, OciBlob>, d: Descriptor): void {
  const blob = blobs.get(d.digest)
  if (!blob) throw malformed(path, `${d.mediaType ?? 'blob'} ${d.digest} is referenced but not in the archive`)
  if (blob.size !== d.size)
    throw malformed(path, `blob ${d.digest} is ${blob.size} bytes but its descriptor says ${d.size}`)
}

export async function resolveDockerSave(s: ScannedArchive): Promise<Resolved> {
  const entries = await readFileJson(s, 'manifest.json', dockerSaveSchema)
  if (entries.length === 0) throw malformed(s.path, 'manifest.json lists no images')
  const blobs = new Map<string, OciBlob>()
  const images: OciArchiveImage[] = []
  for (const e of entries) {
    const cfgFile = archiveFile(s, e.Config)
    if (!cfgFile) throw malformed(s.path, `manifest.json names config ${e.Config} which is not in the archive`)
    // Legacy configs are named by their own digest: <hex>.json.
    const named = /^([a-f0-9]{64})\.json$/.exec(posix.basename(cfgFile.name))?.[1]
    if (named && `sha256:${named}` !== cfgFile.digest)
      throw malformed(s.path, `config ${cfgFile.name} is corrupt: its content hashes to ${cfgFile.digest}`)
    blobs.set(cfgFile.digest, blobOf(cfgFile))
    const config = await readBlobJson(s.path, blobs, cfgFile.digest, 'config', configFileSchema)
    const layers = e.Layers.map((p, i) => {
      const f = archiveFile(s, p)
      if (!f) throw malformed(s.path, `manifest.json names layer ${p} which is not in the archive`)
      const gzip = f.magic[0] === 0x1f && f.magic[1] === 0x8b
      const diffId = config.rootfs.diff_ids[i]
      // An uncompressed layer's digest is its diff_id, so corruption is visible without unpacking.
      if (!gzip && diffId && diffId !== f.digest)
        throw malformed(s.path, `layer ${p} is corrupt: it hashes to ${f.digest}, the config says ${diffId}`)
      blobs.set(f.digest, blobOf(f))
      const mediaType = `application/vnd.docker.image.rootfs.diff.tar${gzip ? '.gzip' : ''}`
      return { digest: f.digest, mediaType, size: f.size, ...(diffId ? { diffId } : {}) }
    })
    images.push({ platform: platformOf(config), configDigest: cfgFile.digest, config, layers, annotations: {} })
  }
  const refName = entries.flatMap((e) => e.RepoTags ?? [])[0]
  return {
    format: 'docker',
    indexDigest: images[0]!.configDigest,
    ...(refName ? { refName } : {}),
    images,
    blobs,
    attachments: [],
  }
}

function platformOf(p: { os?: string; architecture?: string; variant?: string }): OciPlatform {
  return { os: p.os ?? '', architecture: p.architecture ?? '', ...(p.variant ? { variant: p.variant } : {}) }
}
