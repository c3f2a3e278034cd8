// What an inspect argument names: a file (image archive or binary), or an
// image in a registry. The two must never be mistaken for each other, so a
// reference is recognised only by a form no usual path has, and a name that
// could be both is refused rather than guessed:
// - registry://REF is always a reference (the tag may be left out: latest);
//   another scheme (skopeo's docker://) is refused with a pointer to it;
// - /..., ./..., ../... and ~/... are always paths;
// - otherwise HOST/REPO:TAG or HOST/REPO@DIGEST, with a registry host (a dot,
//   a port or localhost) and a tag or digest written out, is a reference,
//   unless a file of that name exists, which is an error; all else is a path.
import { ErrorCode, GostaticError } from '../errors.js'
import { parseImageRef } from '../spec/image-ref.js'

export const REGISTRY_SCHEME = 'registry://'

export type InspectTarget =
  { readonly kind: 'file'; readonly path: string } | { readonly kind: 'registry'; readonly ref: string }

/** `exists`: whether a file or folder of that name is there (the one fact from outside). */
export function inspectTarget(arg: string, exists: (path: string) => boolean): InspectTarget {
  if (arg.startsWith(REGISTRY_SCHEME)) {
    const ref = arg.slice(REGISTRY_SCHEME.length)
    const parsed = parseImageRef(ref)
    const hint = 'write registry://HOST[:PORT]/REPOSITORY[:TAG][@DIGEST]'
    if (!parsed.ok) throw new GostaticError(ErrorCode.INVALID_REFERENCE, `${arg}: ${parsed.reason}`, { hint })
    return { kind: 'registry', ref }
  }
  // skopeo's docker://, oci-archive: and the like: a habit worth a pointer rather than 'no such file'.
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//.exec(arg)?.[1]
  if (scheme !== undefined && !exists(arg))
    throw new GostaticError(ErrorCode.INVALID_REFERENCE, `${arg}: inspect reads no ${scheme}:// references`, {
      hint: `write ${REGISTRY_SCHEME}${arg.slice(scheme.length + 3)} for a pushed image, or a path for an archive`,
    })
  if (/^(\.{0,2}|~)\//.test(arg) || !looksLikeReference(arg)) return { kind: 'file', path: arg }
  if (exists(arg))
    throw new GostaticError(ErrorCode.INVALID_REFERENCE, `'${arg}' is both a file here and an image reference`, {
      hint: `write ./${arg} for the file, or ${REGISTRY_SCHEME}${arg} for the image`,
    })
  return { kind: 'registry', ref: arg }
}

/** A registry host first, and a tag or digest written out: what no usual file path looks like. */
function looksLikeReference(arg: string): boolean {
  const slash = arg.indexOf('/')
  if (slash < 0) return false
  const host = arg.slice(0, slash)
  const last = arg.slice(arg.lastIndexOf('/') + 1)
  const hasHost = host.includes('.') || host.includes(':') || host === 'localhost'
  return hasHost && (last.includes(':') || arg.includes('@')) && parseImageRef(arg).ok
}
