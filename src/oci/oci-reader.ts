// Opens an image archive (OCI layout tar, or a plain `docker save` tar),
// checks every blob against its digest, and resolves it to per-platform
// images. Blob bytes stay in the file; only small JSON is held in memory.
import type { OciPlatform } from './oci-types.js'
import type { ConfigFile } from './oci-schemas.js'
import { malformed, scan } from './oci-archive-scan.js'
import { resolveDockerSave, resolveOciLayout } from './oci-resolve.js'
import type { AttachmentInfo } from './oci-attachments.js'

export { openBlob } from './oci-image-files.js'
export { openImageTree, readFileFromImage, type ImageTree } from './image-tree.js'

/** Where a blob's bytes are: `bytes` in memory, or `size` bytes at `offset` in the archive file. */
export type OciBlob = {
  digest: string
  size: number
  offset?: number
  /** The file `offset` is in when not the archive itself (a gzipped archive's unpacked temp copy). */
  file?: string
  bytes?: Buffer
  /** first 4 bytes, to sniff compression */
  magic: Buffer
}

export type OciLayerInfo = {
  digest: string
  mediaType: string
  /** stored (compressed) bytes */ size: number
  diffId?: string
}

/** The image config blob, checked against its schema; other fields are kept as they are. */
export type OciConfigFile = ConfigFile

export type OciArchiveImage = {
  platform: OciPlatform
  /** Absent for `docker save` archives, which have no manifest. */
  manifestDigest?: string
  configDigest: string
  config: OciConfigFile
  layers: OciLayerInfo[]
  annotations: Record<string, string>
}

export type OciArchive = {
  path: string
  format: 'oci' | 'docker'
  /**
   * OCI: the digest index.json points at (the manifest or image index), or
   * the digest of index.json itself when it lists several. docker: the
   * config digest of the first image, i.e. the image ID docker prints.
   */
  indexDigest: string
  refName?: string
  images: OciArchiveImage[]
  blobs: ReadonlyMap<string, OciBlob>
  /** Signatures, attestations and SBOMs listed in index.json under cosign's tag names. */
  attachments: readonly AttachmentInfo[]
}

export async function readOciArchive(path: string): Promise<OciArchive> {
  const scanned = await scan(path)
  const resolved = scanned.files.has('index.json')
    ? await resolveOciLayout(scanned)
    : scanned.files.has('manifest.json')
      ? await resolveDockerSave(scanned)
      : undefined
  if (!resolved) throw malformed(path, 'has neither index.json (OCI layout) nor manifest.json (docker save)')
  return { path, ...resolved }
}
