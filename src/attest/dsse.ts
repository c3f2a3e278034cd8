// DSSE envelopes (github.com/secure-systems-lab/dsse): the signature covers
// PAE(payloadType, payload), never the JSON around it.
import type { Signer } from './signer.js'

export interface Envelope {
  readonly payloadType: string
  /** Base64 of the payload bytes. */
  readonly payload: string
  readonly signatures: readonly { readonly keyid: string; readonly sig: string }[]
}

/** Pre-Authentication Encoding: "DSSEv1 <len> <type> <len> <payload>". */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType)
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload])
}

export function envelope(payloadType: string, payload: Buffer, signer: Signer): Envelope {
  const sig = signer.sign(pae(payloadType, payload))
  return { payloadType, payload: payload.toString('base64'), signatures: [{ keyid: '', sig: sig.toString('base64') }] }
}
