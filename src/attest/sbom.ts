// The SBOM formats gostatic writes, each with the media type of its file and
// the in-toto predicate type of its attestation (the ones cosign's
// `verify-attestation --type spdxjson | cyclonedx` look for).
import type { SbomFacts, SbomFormat } from './attest-facts.js'
import { cyclonedxJson } from './cyclonedx-bom.js'
import { spdxDocument } from './spdx-document.js'

export interface SbomFormatInfo {
  readonly mediaType: string
  readonly predicateType: string
  /** File name suffix for `gostatic sbom --out`. */
  readonly extension: string
  readonly render: (f: SbomFacts) => string
}

export const SBOM_FORMAT_INFO: { readonly [K in SbomFormat]: SbomFormatInfo } = {
  spdx: {
    mediaType: 'text/spdx+json',
    predicateType: 'https://spdx.dev/Document',
    extension: '.spdx.json',
    render: (f) => JSON.stringify(spdxDocument(f), null, 2) + '\n',
  },
  cyclonedx: {
    mediaType: 'application/vnd.cyclonedx+json',
    predicateType: 'https://cyclonedx.org/bom',
    extension: '.cdx.json',
    render: (f) => cyclonedxJson(f) + '\n',
  },
}

export interface Sbom {
  readonly format: SbomFormat
  /** The platform manifest it describes; null for a bare binary. */
  readonly manifestDigest: string | null
  readonly platform: string | null
  /** The file name ending for this format: '.spdx.json' or '.cdx.json'. */
  readonly extension: string
  readonly bytes: Buffer
}

export function renderSbom(format: SbomFormat, facts: SbomFacts): Sbom {
  return {
    format,
    manifestDigest: facts.image?.manifestDigest ?? null,
    platform: facts.image
      ? `${facts.image.platform.os}/${facts.image.platform.architecture}` +
        `${facts.image.platform.variant ? `/${facts.image.platform.variant}` : ''}`
      : null,
    extension: SBOM_FORMAT_INFO[format].extension,
    bytes: Buffer.from(SBOM_FORMAT_INFO[format].render(facts)),
  }
}
