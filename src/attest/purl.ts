// Package URLs (github.com/package-url/purl-spec) for Go modules and OCI
// images. Each segment is percent-encoded; Go module paths keep their case.
import type { OciPlatform } from '../oci/oci-types.js'

const enc = (s: string) => encodeURIComponent(s)

/** pkg:golang/<namespace>/<name>@<version>?type=module; null for a module with no path. */
export function golangPurl(path: string, version: string): string | null {
  if (path === '' || path.startsWith('.') || path.startsWith('/')) return null
  const segments = path.split('/').map(enc).join('/')
  return `pkg:golang/${segments}${version && version !== '(devel)' ? `@${enc(version)}` : ''}?type=module`
}

/** The Go standard library, versioned as syft and grype name it (go1.26.1 → 1.26.1). */
export function stdlibPurl(goVersion: string): string {
  return `pkg:golang/stdlib@${enc(goVersion.replace(/^go/, ''))}`
}

/** pkg:oci/<last path segment>@sha256%3A…?arch=…&os=…&repository_url=… (keys sorted, as the spec asks). */
export function ociPurl(repository: string | null, name: string, digest: string, platform?: OciPlatform): string {
  const q: Record<string, string> = {}
  if (platform) {
    q['arch'] = platform.architecture
    q['os'] = platform.os
    if (platform.variant) q['variant'] = platform.variant
  }
  if (repository) q['repository_url'] = repository
  const qs = Object.keys(q)
    .sort()
    .map((k) => `${k}=${qualifier(q[k]!)}`)
    .join('&')
  return `pkg:oci/${enc(name.toLowerCase())}@${enc(digest)}${qs ? `?${qs}` : ''}`
}

/** An image reference without tag or digest, split into the repository URL and its last segment. */
export function ociNameOf(ref: string): { repository: string; name: string } {
  const noDigest = ref.split('@')[0]!
  const lastSlash = noDigest.lastIndexOf('/')
  const colon = noDigest.lastIndexOf(':')
  const repository = colon > lastSlash ? noDigest.slice(0, colon) : noDigest
  return { repository, name: repository.slice(repository.lastIndexOf('/') + 1) }
}

// '/' and ':' are allowed as they are in qualifier values (the spec's own examples keep them).
function qualifier(v: string): string {
  return enc(v).replace(/%2F/gi, '/').replace(/%3A/gi, ':')
}
