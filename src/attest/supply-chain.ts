// Everything a build attests, from facts alone: an SBOM per platform and
// format, one provenance statement over every platform manifest and the
// index, and (with a signer) the cosign artefacts that carry them.
import { canonicalJson } from '../oci/oci-writer.js'
import { platformName, type SbomFacts, type SbomFormat } from './attest-facts.js'
import {
  attachment,
  envelopeLayer,
  signatureLayer,
  type Attachment,
  type AttachmentLayer,
  type SignedTarget,
} from './attachments.js'
import { envelope } from './dsse.js'
import { IN_TOTO_PAYLOAD_TYPE, statement, subject, type Subject } from './in-toto.js'
import { provenanceStatement, SLSA_PROVENANCE_V1, type ProvenanceFacts } from './provenance.js'
import { renderSbom, SBOM_FORMAT_INFO, type Sbom } from './sbom.js'
import type { Signer } from './signer.js'

export interface SupplyChainInput {
  readonly name: string
  /** One per platform, in the plan's order. */
  readonly images: readonly { readonly facts: SbomFacts; readonly manifest: SignedTarget }[]
  /** The image index; null for a one-platform image (its manifest is the top). */
  readonly index: SignedTarget | null
  readonly formats: readonly SbomFormat[]
  readonly provenance: Omit<ProvenanceFacts, 'subjects'>
}

export interface SupplyChain {
  readonly sboms: readonly Sbom[]
  /** The in-toto statement, canonical JSON: byte-identical for the same build inputs. */
  readonly provenance: Buffer
  /** The digests the artefacts are about: the index (when there is one), then each platform manifest. */
  readonly targets: readonly SignedTarget[]
  /** .sbom always (when SBOMs are on); .sig and .att only with a signer. Signing runs on each call. */
  attachments(signer: Signer | null, dockerReference: string): Attachment[]
}

export function supplyChain(i: SupplyChainInput): SupplyChain {
  const platformSubject = (img: SupplyChainInput['images'][number]) =>
    subject(`${i.name} (${platformName(img.facts.image!.platform)})`, img.manifest.digest)
  const indexSubject = i.index ? [subject(i.name, i.index.digest)] : []
  const provenance = Buffer.from(
    canonicalJson(
      provenanceStatement({ ...i.provenance, subjects: [...indexSubject, ...i.images.map(platformSubject)] }),
    ),
  )
  const perImage = i.images.map((img) => ({
    img,
    subjects: [platformSubject(img), ...indexSubject],
    sboms: i.formats.map((f) => renderSbom(f, img.facts)),
  }))
  const sboms = perImage.flatMap((p) => p.sboms)
  const targets = [...(i.index ? [i.index] : []), ...i.images.map((img) => img.manifest)]
  const epoch = i.provenance.epoch

  const attachments = (signer: Signer | null, dockerReference: string): Attachment[] => {
    // What each target's .sbom and .att hold: its own SBOMs, all of them for the index.
    const about = (t: SignedTarget) => perImage.filter((p) => t === i.index || p.img.manifest.digest === t.digest)
    const out: Attachment[] = []
    if (signer) {
      const prov = envelopeLayer(envelope(IN_TOTO_PAYLOAD_TYPE, provenance, signer), SLSA_PROVENANCE_V1)
      const sbomEnvelopes = new Map(perImage.map((p) => [p, p.sboms.map((s) => sbomEnvelope(s, p.subjects, signer))]))
      for (const t of targets)
        out.push(attachment('sig', t, [signatureLayer(signer, dockerReference, t.digest)], epoch))
      for (const t of targets)
        out.push(attachment('att', t, [prov, ...about(t).flatMap((p) => sbomEnvelopes.get(p)!)], epoch))
    }
    if (sboms.length > 0)
      for (const t of targets)
        out.push(
          attachment(
            'sbom',
            t,
            about(t).flatMap((p) => p.sboms.map(sbomLayer)),
            epoch,
          ),
        )
    return out
  }
  return { sboms, provenance, targets, attachments }
}

function sbomEnvelope(s: Sbom, subjects: readonly Subject[], signer: Signer): AttachmentLayer {
  const predicateType = SBOM_FORMAT_INFO[s.format].predicateType
  const st = statement(subjects, predicateType, JSON.parse(s.bytes.toString('utf8')) as unknown)
  return envelopeLayer(envelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(canonicalJson(st)), signer), predicateType)
}

function sbomLayer(s: Sbom): AttachmentLayer {
  return {
    mediaType: SBOM_FORMAT_INFO[s.format].mediaType,
    bytes: s.bytes,
    annotations: { 'dev.gostatic.sbom.platform': s.platform ?? '' },
  }
}
