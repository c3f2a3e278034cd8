// The artefacts a signed image carries, laid out as cosign stores them next
// to an image (tag scheme: sha256-<hex>.sig / .att / .sbom), each an OCI
// manifest whose OCI 1.1 `subject` names the manifest it is about:
// - .sig: one simple-signing payload per signed digest, signature in the layer annotation;
// - .att: DSSE envelopes (provenance, SBOMs) whose statements name that digest;
// - .sbom: the SBOM files themselves, unsigned (what `cosign attach sbom` writes).
import { sha256 } from '../util/digest.js'
import { canonicalJson } from '../oci/oci-writer.js'
import { Media } from '../oci/media-types.js'
import { attachmentTag, type AttachmentInfoKind } from '../oci/oci-attachments.js'
import { rfc3339 } from './attest-facts.js'
import type { Envelope } from './dsse.js'
import type { Signer } from './signer.js'
import { simpleSigningPayload } from './simple-signing.js'

export type AttachmentKind = AttachmentInfoKind

export const CosignMedia = {
  simpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  dsse: 'application/vnd.dsse.envelope.v1+json',
  signatureAnnotation: 'dev.cosignproject.cosign/signature',
} as const

export interface SignedTarget {
  readonly digest: string
  readonly size: number
  readonly mediaType: string
}

export interface AttachmentBlob {
  readonly digest: string
  readonly bytes: Buffer
}

export interface Attachment {
  readonly kind: AttachmentKind
  /** 'sha256-<hex>.sig': the tag cosign looks the artefact up by. */
  readonly tag: string
  readonly subject: SignedTarget
  readonly digest: string
  readonly manifest: Buffer
  /** The config and every layer. */
  readonly blobs: readonly AttachmentBlob[]
}

/** One layer of an attachment: its bytes, media type and annotations. */
export interface AttachmentLayer {
  readonly mediaType: string
  readonly bytes: Buffer
  readonly annotations?: Readonly<Record<string, string>>
}

export function attachment(
  kind: AttachmentKind,
  subject: SignedTarget,
  layers: readonly AttachmentLayer[],
  epoch: number,
): Attachment {
  const blobs = layers.map((l) => blob(l.bytes))
  const created = rfc3339(epoch)
  const config = blob(
    Buffer.from(
      canonicalJson({
        architecture: '',
        os: '',
        created,
        config: {},
        history: layers.map(() => ({ created })),
        rootfs: { type: 'layers', diff_ids: blobs.map((b) => b.digest) },
      }),
    ),
  )
  const manifest = Buffer.from(
    canonicalJson({
      schemaVersion: 2,
      mediaType: Media.ociManifest,
      config: { mediaType: Media.ociConfig, digest: config.digest, size: config.bytes.length },
      layers: layers.map((l, i) => ({
        mediaType: l.mediaType,
        digest: blobs[i]!.digest,
        size: l.bytes.length,
        ...(l.annotations ? { annotations: l.annotations } : {}),
      })),
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    }),
  )
  return {
    kind,
    tag: attachmentTag(subject.digest, kind),
    subject,
    digest: sha256(manifest),
    manifest,
    blobs: [config, ...blobs],
  }
}

/** The .sig layer for one digest: the simple-signing payload and its signature. */
export function signatureLayer(signer: Signer, dockerReference: string, digest: string): AttachmentLayer {
  const payload = simpleSigningPayload(dockerReference, digest)
  return {
    mediaType: CosignMedia.simpleSigning,
    bytes: payload,
    annotations: { [CosignMedia.signatureAnnotation]: signer.sign(payload).toString('base64') },
  }
}

/** An .att layer: a DSSE envelope, with the predicate type cosign filters on. */
export function envelopeLayer(env: Envelope, predicateType: string): AttachmentLayer {
  return {
    mediaType: CosignMedia.dsse,
    bytes: Buffer.from(JSON.stringify(env)),
    annotations: { [CosignMedia.signatureAnnotation]: '', predicateType },
  }
}

function blob(bytes: Buffer): AttachmentBlob {
  return { digest: sha256(bytes), bytes }
}
