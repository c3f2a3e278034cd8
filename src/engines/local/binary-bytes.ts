// A target's binary as the steps hand it on: its bytes and their sha256,
// kept in memory once read, so the strip memo, the needs check, the
// verification, the layer cache and the layer digest do not each read and
// hash tens of MB again. A step that rewrites the file replaces it.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'

export type BinaryBytes = { readonly bytes: Buffer; readonly sha256: string }

export function hashed(bytes: Buffer): BinaryBytes {
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') }
}

export async function readBinary(path: string): Promise<BinaryBytes> {
  return hashed(await readFile(path))
}

/** The bytes at a target's binary path: the ones a step left in memory, else read (and kept) now. */
export async function currentBinary(t: { readonly binPath: string; current: BinaryBytes | null }) {
  return (t.current ??= await readBinary(t.binPath))
}
