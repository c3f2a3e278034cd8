// Artefacts stored next to an image under cosign's tag scheme
// (sha256-<hex>.sig, .att, .sbom): recognised by name wherever they are
// found (an archive's index.json, a registry's tags), never mistaken for an
// image, and described by their layers.
export const ATTACHMENT_TAG = /^sha256-([0-9a-f]{64})\.(sig|att|sbom)$/

/** The tag suffixes, in the order cosign's tools and our push write them. */
export const ATTACHMENT_TAG_KINDS = ['sig', 'att', 'sbom'] as const
export type AttachmentInfoKind = (typeof ATTACHMENT_TAG_KINDS)[number]

export interface AttachmentInfo {
  /** 'sha256-<hex>.sig' */
  readonly tag: string
  readonly kind: AttachmentInfoKind
  /** The digest it is about (from its tag). */
  readonly subject: string
  /** Its own manifest digest. */
  readonly digest: string
  /** Per layer: media type, size, and the in-toto predicate type of an attestation. */
  readonly layers: readonly { readonly mediaType: string; readonly size: number; readonly predicateType?: string }[]
}

/** The tag cosign looks an artefact up by: 'sha256-<hex>.sig' for the digest 'sha256:<hex>'. */
export function attachmentTag(digest: string, kind: AttachmentInfoKind): string {
  return `sha256-${digest.slice(digest.indexOf(':') + 1)}.${kind}`
}

export function parseAttachmentTag(tag: string | undefined): { kind: AttachmentInfoKind; subject: string } | null {
  const m = tag === undefined ? null : ATTACHMENT_TAG.exec(tag)
  return m ? { kind: m[2] as AttachmentInfoKind, subject: `sha256:${m[1]}` } : null
}

type Layer = { mediaType?: string; size?: number; annotations?: Record<string, string> }

/** Describes an attachment manifest; throws nothing, a layer without fields is reported as it is. */
export function attachmentInfo(tag: string, digest: string, manifest: { layers?: Layer[] }): AttachmentInfo | null {
  const t = parseAttachmentTag(tag)
  if (!t) return null
  const layers = (manifest.layers ?? []).map((l) => ({
    mediaType: l.mediaType ?? '',
    size: l.size ?? 0,
    ...(l.annotations?.['predicateType'] ? { predicateType: l.annotations['predicateType'] } : {}),
  }))
  return { tag, kind: t.kind, subject: t.subject, digest, layers }
}

/** A manifest the referrers API lists for a subject (OCI 1.1); cosign's own are also tagged. */
export interface ReferrerInfo {
  /** The digest it refers to. */
  readonly subject: string
  readonly digest: string
  readonly mediaType: string
  /** The manifest's artifactType, else its config's media type (as the API reports it); null when it has neither. */
  readonly artifactType: string | null
  readonly annotations: Readonly<Record<string, string>>
  /** The cosign tag naming the same manifest ('sha256-<hex>.sig'), or null when no tag does. */
  readonly tag: string | null
}
