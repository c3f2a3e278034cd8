// Whether the image gets a CA bundle, where its bytes come from, and what
// that means for each backend. Pure: the plan names the source; engines and
// the renderer translate it.
import type { ServiceSpec } from '../spec/service-spec.js'
import type { CaSource, PlanNote } from './build-plan.js'
import { baseOf, baseRow } from './runtime-bases.js'

export const CA_BUNDLE_PATH = '/etc/ssl/certs/ca-certificates.crt'

/**
 * The bundle's source, or null for no bundle: the static base has one unless turned off, other bases only on request.
 */
export function caSource(spec: ServiceSpec): CaSource | null {
  const ca = spec.caCertificates ?? baseRow(baseOf(spec.runtime)).caByDefault
  if (ca === false) return null
  return ca === true ? { kind: 'node-root-store' } : { kind: 'file', from: ca.file }
}

const notes: { [K in CaSource['kind']]: (s: Extract<CaSource, { kind: K }>) => string } = {
  'node-root-store': () =>
    `${CA_BUNDLE_PATH} is Node's bundled Mozilla CA store (tls.rootCertificates), a snapshot fixed when the Node.js ` +
    'release that runs gostatic was cut: the local and Dagger engines write the same bytes, and a Node upgrade can ' +
    "change them (and the digest). The rendered Dockerfile cannot reach that store, so it copies the builder image's " +
    `${CA_BUNDLE_PATH} instead (for golang:*-alpine, Alpine's ca-certificates package: Mozilla's roots too, but at ` +
    "that package's snapshot, in its own order, plus any CA the image added), which gives other bytes and another " +
    "digest. caCertificates({ file: 'certs/ca.pem' }) pins one bundle that every backend copies byte for byte.",
  file: (s) =>
    `${CA_BUNDLE_PATH} is ${s.from} from the source folder, copied byte for byte (mode 644) by the local engine, ` +
    'the Dagger engine and the rendered Dockerfile, so all three give the same bundle.',
}

export function caNote(source: CaSource): PlanNote {
  return { topic: 'CA bundle', text: (notes[source.kind] as (s: CaSource) => string)(source) }
}
