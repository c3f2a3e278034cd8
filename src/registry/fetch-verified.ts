// One GET of a manifest or blob, checked against the digest that named it
// (and against the digest the registry says it sent) before anyone sees
// the bytes: what pulling a base image and reading a pushed image share.
import { sha256, verifyDigest } from '../oci/blob-store.js'
import { MANIFEST_ACCEPT, MANIFEST_MAX_BYTES } from '../oci/media-types.js'
import { repoScope, type RegistryClient } from './registry-client.js'

export interface VerifiedGet {
  readonly kind: 'manifest' | 'blob'
  /** A tag or digest for a manifest; a digest for a blob. */
  readonly reference: string
  /** What the bytes must be: the digest (and size) that named them; else the registry's word, else their own hash. */
  readonly expect?: { readonly digest: string; readonly size?: number }
  /** For the request's errors: 'pulling image alpine:3.20'. */
  readonly doing: string
  /** For a digest mismatch: 'layer sha256:… of alpine:3.20'. */
  readonly what: string
  /** Statuses answered with null rather than thrown (404 for a tag that may not exist). */
  readonly pass?: readonly number[]
}

export interface Verified {
  readonly bytes: Buffer
  readonly digest: string
  readonly contentType: string | null
}

/** null only for a status the request passes. */
type Get = VerifiedGet
export async function getVerified(client: RegistryClient, repo: string, g: Get & { pass?: never }): Promise<Verified>
export async function getVerified(client: RegistryClient, repo: string, g: Get): Promise<Verified | null>
export async function getVerified(client: RegistryClient, repo: string, g: Get): Promise<Verified | null> {
  const manifest = g.kind === 'manifest'
  const res = await client.fetch({
    method: 'GET',
    url: `/v2/${repo}/${manifest ? 'manifests' : 'blobs'}/${g.reference}`,
    scopes: [repoScope(repo)],
    doing: g.doing,
    ...(manifest ? { headers: { accept: MANIFEST_ACCEPT } } : {}),
    ...(g.pass ? { pass: g.pass } : {}),
  })
  if (!res.ok) {
    await res.body?.cancel()
    return null
  }
  // One byte over a blob's size is enough to know it's wrong; don't read a runaway body.
  const size = g.expect?.size
  const limit = manifest ? MANIFEST_MAX_BYTES : size === undefined ? undefined : size + 1
  const bytes = await client.body(res, g.doing, limit)
  const said = res.headers.get('docker-content-digest')
  const sha = said?.startsWith('sha256:') ? said : undefined
  const digest = g.expect?.digest ?? sha ?? sha256(bytes)
  verifyDigest(bytes, digest, g.expect?.size, g.what)
  if (sha !== undefined && sha !== digest) verifyDigest(bytes, sha, undefined, g.what)
  return { bytes, digest, contentType: res.headers.get('content-type') }
}
