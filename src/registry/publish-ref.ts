// The reference an image is published to, checked before anything is built,
// written or sent; apart from the push itself, so checking a --push flag does
// not load the registry client.
import { ErrorCode, GostaticError } from '../errors.js'
import { parseImageRef, type ImageRef } from '../spec/image-ref.js'

const EXAMPLE = "'127.0.0.1:5000/team/hello:1.0'"

/** The reference to publish to, checked before anything is written or sent: a tag, no digest. */
export function publishRef(refText: unknown): ImageRef {
  if (typeof refText !== 'string')
    throw new GostaticError(
      ErrorCode.INVALID_REFERENCE,
      `publish needs a reference like ${EXAMPLE}; got ${String(refText)}`,
    )
  const parsed = parseImageRef(refText)
  if (!parsed.ok)
    throw new GostaticError(ErrorCode.INVALID_REFERENCE, `publish reference '${refText}': ${parsed.reason}`, {
      hint: `a reference looks like ${EXAMPLE} (registry[:port]/repository:tag)`,
    })
  if (parsed.ref.digest !== undefined)
    throw new GostaticError(
      ErrorCode.INVALID_REFERENCE,
      `publish reference '${refText}' has a digest; publish to a tag (the registry computes the digest)`,
      { hint: `drop @${parsed.ref.digest}` },
    )
  return parsed.ref
}
