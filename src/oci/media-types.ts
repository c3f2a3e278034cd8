// The manifest, index and layer media types gostatic reads and writes, and
// the small slice of their JSON it needs.
import type { OciPlatform } from './oci-types.js'

export const Media = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const

/** Every manifest kind we can use, so a registry never falls back to schema 1. */
export const MANIFEST_ACCEPT = [Media.ociIndex, Media.dockerList, Media.ociManifest, Media.dockerManifest].join(', ')

/** Our layers are gzip and the writer labels every layer as such; other encodings can't sit under them. */
export const GZIP_LAYERS: ReadonlySet<string> = new Set([Media.ociLayerGzip, Media.dockerLayerGzip])

/** Registries refuse bigger manifests (distribution's limit); a bigger body is not a manifest. */
export const MANIFEST_MAX_BYTES = 4 * 1024 * 1024

export type Descriptor = {
  mediaType?: string
  digest: string
  size: number
  platform?: OciPlatform & { 'os.version'?: string }
  annotations?: Record<string, string>
}
export type IndexDoc = { schemaVersion?: number; mediaType?: string; manifests: Descriptor[] }
export type ManifestDoc = { schemaVersion?: number; mediaType?: string; config: Descriptor; layers: Descriptor[] }

export function isIndexType(mediaType: string | undefined): boolean {
  return mediaType === Media.ociIndex || mediaType === Media.dockerList
}

export function isManifestType(mediaType: string | undefined): boolean {
  return mediaType === Media.ociManifest || mediaType === Media.dockerManifest
}

/** The document's kind: its own mediaType, else the Content-Type, else its shape. */
export function docKind(
  doc: { mediaType?: unknown; manifests?: unknown; layers?: unknown },
  contentType: string | null,
): 'index' | 'manifest' | 'unknown' {
  const t = typeof doc.mediaType === 'string' ? doc.mediaType : contentType?.split(';')[0]?.trim()
  if (isIndexType(t) || (t === undefined && Array.isArray(doc.manifests))) return 'index'
  if (isManifestType(t) || (t === undefined && Array.isArray(doc.layers))) return 'manifest'
  return 'unknown'
}
