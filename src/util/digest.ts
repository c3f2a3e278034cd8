// The content digest every OCI blob is named by, in one place, pure.
import { createHash } from 'node:crypto'

/** 'sha256:<hex>' of the bytes. */
export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}
