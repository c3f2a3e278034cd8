// Picks the image for a platform out of an image index, the way container
// runtimes match: os and architecture exactly, the variant where it matters
// (arm/v6 vs arm/v7), arm64's 'v8' the same as no variant.
import type { OciPlatform } from '../oci/oci-types.js'
import type { Descriptor, IndexDoc } from '../oci/media-types.js'

export function platformKey(p: { os?: string; architecture?: string; variant?: string | undefined }): string {
  return `${p.os ?? '?'}/${p.architecture ?? '?'}${p.variant ? `/${p.variant}` : ''}`
}

/** The platform as gostatic names it: arm64/v8 is linux/arm64, arm without a variant linux/arm/v7. */
export function normalPlatformKey(p: { os?: string; architecture?: string; variant?: string | undefined }): string {
  return platformKey({ ...p, variant: normalVariant(p) })
}

function normalVariant(p: { architecture?: string; variant?: string | undefined }): string | undefined {
  if (p.architecture === 'arm64' && (p.variant === undefined || p.variant === 'v8')) return undefined
  // amd64 variants (v2, v3) are CPU levels an image may require; Go's default GOAMD64 is v1.
  if (p.architecture === 'amd64' && (p.variant === undefined || p.variant === 'v1')) return undefined
  if (p.architecture === 'arm' && p.variant === undefined) return 'v7'
  return p.variant
}

export function matchesPlatform(
  want: OciPlatform,
  have: { os?: string; architecture?: string; variant?: string | undefined },
): boolean {
  return have.os === want.os && have.architecture === want.architecture && normalVariant(have) === normalVariant(want)
}

/** Runnable entries only: buildx attestations carry platform unknown/unknown. */
export function runnablePlatforms(index: IndexDoc): Descriptor[] {
  return (index.manifests ?? []).filter(
    (d) => d.platform && d.platform.os !== 'unknown' && !d.annotations?.['vnd.docker.reference.type'],
  )
}

export type PlatformPick =
  { readonly ok: true; readonly descriptor: Descriptor } | { readonly ok: false; readonly available: readonly string[] }

export function pickPlatform(index: IndexDoc, want: OciPlatform): PlatformPick {
  const entries = runnablePlatforms(index)
  const hit = entries.find((d) => matchesPlatform(want, d.platform!))
  if (hit) return { ok: true, descriptor: hit }
  return { ok: false, available: [...new Set(entries.map((d) => platformKey(d.platform!)))].sort() }
}
