// One ECDSA P-256 key signs everything a build attaches: the simple-signing
// payloads and the DSSE envelopes. Signatures are ASN.1 DER over SHA-256, as
// cosign writes and verifies them.
import { createPublicKey, sign, type KeyObject } from 'node:crypto'

export interface Signer {
  /** Where the key came from, for messages: 'file cosign.key', 'env COSIGN_KEY', 'a PEM string'. */
  readonly source: string
  /** The public half, SPKI PEM: what `cosign verify --key` takes. */
  readonly publicKeyPem: string
  sign(data: Buffer): Buffer
}

export function ecdsaSigner(key: KeyObject, source: string): Signer {
  const publicKeyPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString()
  return { source, publicKeyPem, sign: (data) => sign('sha256', data, { key, dsaEncoding: 'der' }) }
}
