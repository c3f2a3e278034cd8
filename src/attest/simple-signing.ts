// The payload cosign signs for an image digest ("simple signing",
// containers/image's format): `cosign verify` checks the signature over these
// bytes and that docker-manifest-digest is the digest it verifies.
export const SIMPLE_SIGNING_TYPE = 'cosign container image signature'

export function simpleSigningPayload(dockerReference: string, digest: string): Buffer {
  const doc = {
    critical: {
      identity: { 'docker-reference': dockerReference },
      image: { 'docker-manifest-digest': digest },
      type: SIMPLE_SIGNING_TYPE,
    },
    optional: null,
  }
  return Buffer.from(JSON.stringify(doc))
}
