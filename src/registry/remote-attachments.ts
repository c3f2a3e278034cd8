// What a repository stores next to an image: the manifests tagged under
// cosign's scheme (sha256-<hex>.sig, .att, .sbom) for the image's digest and
// each platform manifest, and what the OCI 1.1 referrers API lists for the
// same digests when the registry has it (a 404 says it has not: distribution
// 2.8 is such a registry, and then only the tags tell).
import { ErrorCode, GostaticError } from '../errors.js'
import {
  ATTACHMENT_TAG_KINDS,
  attachmentInfo,
  attachmentTag,
  type AttachmentInfo,
  type ReferrerInfo,
} from '../oci/oci-attachments.js'
import { MANIFEST_MAX_BYTES, Media } from '../oci/media-types.js'
import { repoScope } from './registry-client.js'
import type { ManifestReader } from './remote-image.js'

export interface FoundAttachment {
  readonly info: AttachmentInfo
  readonly bytes: Buffer
}

export interface FoundAttachments {
  readonly attachments: readonly FoundAttachment[]
  readonly referrers: readonly ReferrerInfo[] | null
}

// A registry answering more pages than this for one digest is not listing referrers.
const MAX_PAGES = 16

export async function findAttachments(reader: ManifestReader, subjects: readonly string[]): Promise<FoundAttachments> {
  const unique = [...new Set(subjects)]
  const attachments: FoundAttachment[] = []
  for (const kind of ATTACHMENT_TAG_KINDS)
    for (const subject of unique) {
      const tag = attachmentTag(subject, kind)
      const m = await reader.maybeManifest(tag, undefined, [404])
      if (m !== null) attachments.push({ info: attachmentInfo(tag, m.digest, m.doc)!, bytes: m.bytes })
    }
  const tags = new Map(attachments.map((a) => [a.info.digest, a.info.tag]))
  let referrers: ReferrerInfo[] | null = []
  for (const subject of unique) {
    const listed = await referrersOf(reader, subject, tags)
    if (listed === null) {
      referrers = null
      break
    }
    referrers.push(...listed)
  }
  return { attachments, referrers }
}

/** Attachment manifest digest → its cosign tag. */
type Tags = ReadonlyMap<string, string>
type Referrer = { mediaType?: string; digest?: string; artifactType?: string; annotations?: Record<string, string> }

/** null: the registry has no referrers API. */
async function referrersOf(reader: ManifestReader, subject: string, tags: Tags): Promise<ReferrerInfo[] | null> {
  const { registry, repository } = reader.ref
  const doing = `listing the referrers of ${subject} in ${registry}/${repository}`
  const out: ReferrerInfo[] = []
  let url: string | null = `/v2/${repository}/referrers/${subject}`
  for (let page = 0; url !== null; page++) {
    if (page === MAX_PAGES) throw refused(registry, `lists the referrers of ${subject} on more than ${MAX_PAGES} pages`)
    const scopes = [repoScope(repository)]
    const headers = { accept: Media.ociIndex }
    const res = await reader.client.fetch({ method: 'GET', url, scopes, doing, headers, pass: [404] })
    if (res.status === 404) {
      await res.body?.cancel()
      return page === 0 ? null : out
    }
    const text = (await reader.client.body(res, doing, MANIFEST_MAX_BYTES)).toString('utf8')
    let listed: Referrer[]
    try {
      listed = (JSON.parse(text) as { manifests?: Referrer[] }).manifests ?? []
    } catch {
      throw refused(registry, `answered with something that is not JSON while ${doing}`)
    }
    for (const { digest, mediaType = '', artifactType = null, annotations } of listed) {
      const tag = digest === undefined ? null : (tags.get(digest) ?? null)
      if (digest) out.push({ subject, digest, mediaType, artifactType, annotations: { ...annotations }, tag })
    }
    url = nextPage(res.headers.get('link'))
  }
  return out
}

function refused(registry: string, what: string): GostaticError {
  return new GostaticError(ErrorCode.REGISTRY_ERROR, `registry ${registry}'s referrers API ${what}`)
}

/** The `rel="next"` target of a Link header (RFC 8288), as the distribution spec pages referrers. */
function nextPage(link: string | null): string | null {
  const m = link === null ? null : /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)
  return m ? m[1]! : null
}
