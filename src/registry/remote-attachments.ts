// What a repository stores next to an image: the manifests tagged under
// cosign's scheme (sha256-<hex>.sig, .att, .sbom) for the image's digest and
// each platform manifest, and what the OCI 1.1 referrers API lists for the
// same digests when the registry has it (a 404 says it has not: distribution
// 2.8 is such a registry, and then only the tags tell).
import { ErrorCode, GostaticError } from '../errors.js'
import { ATTACHMENT_TAG_KINDS, attachmentInfo, type AttachmentInfo, type ReferrerInfo } from '../oci/oci-attachments.js'
import { Media } from '../oci/media-types.js'
import type { ImageRef } from '../spec/image-ref.js'
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

export async function findAttachments(reader: ManifestReader, ref: ImageRef, subjects: readonly string[]): Promise<FoundAttachments> {
  const unique = [...new Set(subjects)]
  const attachments: FoundAttachment[] = []
  for (const kind of ATTACHMENT_TAG_KINDS)
    for (const subject of unique) {
      const tag = `sha256-${subject.slice('sha256:'.length)}.${kind}`
      const m = await reader.maybeManifest(tag, undefined, [404])
      if (m !== null) attachments.push({ info: attachmentInfo(tag, m.digest, m.doc)!, bytes: m.bytes })
    }
  const tags = new Map(attachments.map((a) => [a.info.digest, a.info.tag]))
  let referrers: ReferrerInfo[] | null = []
  for (const subject of unique) {
    const listed = await referrersOf(reader, ref, subject, tags)
    if (listed === null) {
      referrers = null
      break
    }
    referrers.push(...listed)
  }
  return { attachments, referrers }
}

type ReferrersIndex = { manifests?: { mediaType?: string; digest?: string; artifactType?: string; annotations?: Record<string, string> }[] }

/** null: the registry has no referrers API. */
async function referrersOf(reader: ManifestReader, ref: ImageRef, subject: string, tags: ReadonlyMap<string, string>): Promise<ReferrerInfo[] | null> {
  const out: ReferrerInfo[] = []
  let url: string | null = `/v2/${ref.repository}/referrers/${subject}`
  for (let page = 0; url !== null; page++) {
    if (page === MAX_PAGES) throw new GostaticError(ErrorCode.REGISTRY_ERROR, `registry ${ref.registry} lists referrers of ${subject} on more than ${MAX_PAGES} pages`)
    const doing = `listing the referrers of ${subject} in ${ref.registry}/${ref.repository}`
    const res = await reader.client.fetch({ method: 'GET', url, scopes: [repoScope(ref.repository)], doing, headers: { accept: Media.ociIndex }, pass: [404] })
    if (res.status === 404) {
      await res.body?.cancel()
      return page === 0 ? null : out
    }
    const text = (await reader.client.body(res, doing, 4 * 1024 * 1024)).toString('utf8')
    let index: ReferrersIndex
    try {
      index = JSON.parse(text) as ReferrersIndex
    } catch {
      throw new GostaticError(ErrorCode.REGISTRY_ERROR, `registry ${ref.registry} answered the referrers API with something that is not JSON while ${doing}`)
    }
    for (const d of index.manifests ?? [])
      if (d.digest) {
        const { digest, mediaType = '', artifactType = null } = d
        out.push({ subject, digest, mediaType, artifactType, annotations: { ...d.annotations }, tag: tags.get(digest) ?? null })
      }
    url = nextPage(res.headers.get('link'))
  }
  return out
}

/** The `rel="next"` target of a Link header (RFC 8288), as the distribution spec pages referrers. */
function nextPage(link: string | null): string | null {
  const m = link === null ? null : /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)
  return m ? m[1]! : null
}
