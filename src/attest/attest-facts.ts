// What the SBOM and provenance are made from: facts read from the verified
// binary, the built image's digests and the plan, as plain data. Both engines
// produce them the same way, so the documents don't depend on the engine.
import { createHash } from 'node:crypto'
import type { GoBuildInfo } from '../inspect/go-modinfo.js'
import type { OciPlatform } from '../oci/oci-types.js'
import type { LayerFile } from '../oci/layer-files.js'

export { SBOM_FORMATS, type SbomFormat } from '../spec/service-spec.js'
export { platformName } from '../oci/platform-name.js'
export { rfc3339 } from '../util/source-date-epoch.js'

/** A file in the image, with the digests SPDX and CycloneDX want: what oci/ reads from the layers. */
export type FileFact = LayerFile

/** An image by name and the digest its reference resolved to (a base or a builder image). */
export interface ImageDigest {
  readonly name: string
  readonly digest: string
}

/** A Go binary in the image: its path and digests, with the build info read from it. */
export type BinaryFact = FileFact & { readonly go: GoBuildInfo }

/** Everything one SBOM describes: one platform image, or one bare binary. */
export interface SbomFacts {
  /** The service or image name, e.g. 'hello'. */
  readonly name: string
  /** null for a bare binary. */
  readonly image: {
    readonly platform: OciPlatform
    readonly manifestDigest: string
    /** The image index over all platforms; null when the image has one platform. */
    readonly indexDigest: string | null
  } | null
  readonly binary: BinaryFact
  /** The image's further programs (.binary()), each with its own build info; absent or empty: none. */
  readonly binaries?: readonly BinaryFact[]
  /** The pulled runtime base; null on scratch and static. */
  readonly base: ImageDigest | null
  /** The files gostatic put in the image besides the binary (CA bundle, passwd, zoneinfo, copied files). */
  readonly files: readonly FileFact[]
  /** Seconds since 1970 (SOURCE_DATE_EPOCH): the only timestamp. */
  readonly epoch: number
  readonly toolVersion: string
}

/** The binary an SBOM describes: its bytes' digests, with the build info read from them. */
export function binaryFact(path: string, bytes: Uint8Array, go: GoBuildInfo): BinaryFact {
  const hash = (alg: 'sha256' | 'sha1') => createHash(alg).update(bytes).digest('hex')
  return { path, sha256: hash('sha256'), sha1: hash('sha1'), size: bytes.length, go }
}

/** The base image an image's manifest annotations name (org.opencontainers.image.base.*), or null. */
export function baseImageOf(annotations: Readonly<Record<string, string>>): ImageDigest | null {
  const name = annotations['org.opencontainers.image.base.name']
  const digest = annotations['org.opencontainers.image.base.digest']
  return name && digest ? { name, digest } : null
}

export function hexOf(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1)
}

/** go.sum's h1: hash is base64 SHA-256; SBOMs record it as a SHA-256 checksum, as syft and ko do. */
export function h1ToSha256(sum: string | undefined): string | null {
  if (sum === undefined || !sum.startsWith('h1:')) return null
  const bytes = Buffer.from(sum.slice(3), 'base64')
  return bytes.length === 32 ? bytes.toString('hex') : null
}
