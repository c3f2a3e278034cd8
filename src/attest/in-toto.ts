// in-toto Statement v1 (github.com/in-toto/attestation, spec/v1/statement.md):
// what a DSSE envelope carries for provenance and SBOM attestations.
import { hexOf } from './attest-facts.js'

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'

export interface Subject {
  readonly name: string
  readonly digest: { readonly sha256: string }
}

export interface Statement<P> {
  readonly _type: 'https://in-toto.io/Statement/v1'
  readonly subject: readonly Subject[]
  readonly predicateType: string
  readonly predicate: P
}

export function subject(name: string, digest: string): Subject {
  return { name, digest: { sha256: hexOf(digest) } }
}

export function statement<P>(subjects: readonly Subject[], predicateType: string, predicate: P): Statement<P> {
  return { _type: 'https://in-toto.io/Statement/v1', subject: subjects, predicateType, predicate }
}
