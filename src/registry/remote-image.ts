// Reads a pushed image through the registry API into the same OciArchive an
// image archive opens to, so inspect reports on both alike: the manifests,
// configs and layers the reference leads to (only the asked platform's
// layers when one is asked), each verified against its digest and held in
// memory, plus what is stored next to it under cosign's tag scheme. The
// archive is laid out as an OCI layout (index.json naming the image and its
// attachments by ref name) and resolved by the archive reader itself.
import { ErrorCode, GostaticError } from '../errors.js'
import { sha256, verifyDigest } from '../oci/blob-store.js'
import { docKind, MANIFEST_ACCEPT, MANIFEST_MAX_BYTES, Media, type Descriptor } from '../oci/media-types.js'
import { resolveOciLayout } from '../oci/oci-resolve.js'
import type { ArchiveFile } from '../oci/oci-archive-scan.js'
import type { OciArchive } from '../oci/oci-reader.js'
import type { OciPlatform } from '../oci/oci-types.js'
import type { ReferrerInfo } from '../oci/oci-attachments.js'
import { parseImageRef, type ImageRef } from '../spec/image-ref.js'
import { platformKey } from './platform-match.js'
import { RegistryClient, repoScope } from './registry-client.js'
import type { RegistryOptions } from './registry-options.js'
import { findAttachments } from './remote-attachments.js'

export interface RemoteImage {
  readonly ref: ImageRef
  /** path is the reference as given; indexDigest what it resolves to. */
  readonly archive: OciArchive
  /** null when the registry has no referrers API. */
  readonly referrers: readonly ReferrerInfo[] | null
}

export interface RemoteReadOptions extends RegistryOptions {
  /** Only the platforms this accepts have their config and layers fetched; every manifest still is. */
  readonly wants?: (p: OciPlatform) => boolean
  /** How `wants` is named in messages, e.g. 'linux/arm64'. */
  readonly platform?: string
}

type Doc = { mediaType?: string; manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[]; schemaVersion?: number }

const REF_NAME = 'org.opencontainers.image.ref.name'
// Nested indexes deeper than this are refused, as the archive reader does.
const MAX_DEPTH = 4

export async function readRemoteImage(refText: string, opts: RemoteReadOptions = {}): Promise<RemoteImage> {
  const parsed = parseImageRef(refText)
  if (!parsed.ok) throw new GostaticError(ErrorCode.INVALID_REFERENCE, `image '${refText}': ${parsed.reason}`)
  const ref = parsed.ref
  const reader = new ManifestReader(new RegistryClient(ref.registry, opts), ref, refText)
  const top = await reader.manifest(ref.digest ?? ref.tag!, ref.digest)
  const topDesc: Descriptor = { mediaType: top.doc.mediaType ?? top.contentType ?? Media.ociManifest, digest: top.digest, size: top.bytes.length }
  const blobs = new Map<string, Buffer>([[top.digest, top.bytes]])
  const subjects = [top.digest]
  const fetched: Descriptor[] = []
  const skipped: string[] = []

  const image = async (d: Descriptor, doc: Doc): Promise<void> => {
    for (const b of [doc.config, ...(doc.layers ?? [])]) if (b?.digest) blobs.set(b.digest, await reader.blob(b))
    fetched.push(d)
  }
  const index = async (doc: Doc, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) throw reader.malformed(`image indexes nest deeper than ${MAX_DEPTH}`)
    for (const child of doc.manifests ?? []) {
      const m = await reader.manifest(child.digest, child.digest)
      blobs.set(m.digest, m.bytes)
      // buildx's attestation manifests are not images; the archive reader skips them too.
      if (child.platform?.os === 'unknown' || child.annotations?.['vnd.docker.reference.type']) continue
      subjects.push(m.digest)
      if (docKind(m.doc, child.mediaType ?? null) === 'index') await index(m.doc, depth + 1)
      else if (!opts.wants || !child.platform || opts.wants(child.platform)) await image(child, m.doc)
      else skipped.push(platformKey(child.platform))
    }
  }
  const isIndex = docKind(top.doc, top.contentType) === 'index'
  if (isIndex) await index(top.doc, 1)
  else await image(topDesc, top.doc)
  if (opts.wants && isIndex && fetched.length === 0)
    throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `${refText} has no image for ${opts.platform ?? 'that platform'}; it has ${skipped.join(', ') || 'none'}`)
  const found = await findAttachments(reader, ref, subjects)
  for (const a of found.attachments) blobs.set(a.info.digest, a.bytes)
  // With a platform asked for, the index would name platforms whose layers were not fetched: list the fetched ones.
  const images = opts.wants && isIndex ? fetched : [topDesc]
  const layout = {
    schemaVersion: 2,
    mediaType: Media.ociIndex,
    manifests: [
      ...images.map((d) => ({ ...d, annotations: { ...d.annotations, [REF_NAME]: refText } })),
      ...found.attachments.map((a) => ({ mediaType: Media.ociManifest, digest: a.info.digest, size: a.bytes.length, annotations: { [REF_NAME]: a.info.tag } })),
    ],
  }
  const resolved = await resolveOciLayout({ path: refText, files: layoutFiles(layout, blobs), links: new Map() })
  return { ref, archive: { path: refText, ...resolved, indexDigest: top.digest, refName: refText }, referrers: found.referrers }
}

function layoutFiles(index: object, blobs: ReadonlyMap<string, Buffer>): Map<string, ArchiveFile> {
  const file = (name: string, bytes: Buffer): ArchiveFile => ({ name, digest: sha256(bytes), size: bytes.length, bytes, magic: bytes.subarray(0, 4) })
  const files = new Map<string, ArchiveFile>([['index.json', file('index.json', Buffer.from(JSON.stringify(index)))]])
  for (const [digest, bytes] of blobs) files.set(`blobs/${digest.replace(':', '/')}`, file(`blobs/${digest.replace(':', '/')}`, bytes))
  return files
}

export interface FetchedManifest {
  readonly digest: string
  readonly bytes: Buffer
  readonly doc: Doc
  readonly contentType: string | null
}

/** Manifests and blobs of one repository, each checked against the digest that named it. */
export class ManifestReader {
  readonly client: RegistryClient
  readonly #ref: ImageRef
  readonly #text: string

  constructor(client: RegistryClient, ref: ImageRef, text: string) {
    this.client = client
    this.#ref = ref
    this.#text = text
  }

  /** By tag or digest; `expected` is the digest that must come back (a digest reference, an index entry). */
  async manifest(reference: string, expected: string | undefined, pass: readonly number[] = []): Promise<FetchedManifest> {
    const m = await this.maybeManifest(reference, expected, pass)
    if (m === null) throw new GostaticError(ErrorCode.REGISTRY_NOT_FOUND, `${this.#text}: manifest ${reference} not found`)
    return m
  }

  /** null for a status in `pass` (404 for a tag that may not exist). */
  async maybeManifest(reference: string, expected: string | undefined, pass: readonly number[] = []): Promise<FetchedManifest | null> {
    const ref = this.#ref
    const doing = `reading ${reference === ref.tag || reference === ref.digest ? `image ${this.#text}` : `manifest ${reference} of ${this.#text}`}`
    const res = await this.client.fetch({ method: 'GET', url: `/v2/${ref.repository}/manifests/${reference}`, scopes: [repoScope(ref.repository)], doing, headers: { accept: MANIFEST_ACCEPT }, pass })
    if (!res.ok) {
      await res.body?.cancel()
      return null
    }
    const bytes = await this.client.body(res, doing, MANIFEST_MAX_BYTES)
    const said = res.headers.get('docker-content-digest')
    const digest = expected ?? (said?.startsWith('sha256:') ? said : sha256(bytes))
    verifyDigest(bytes, digest, undefined, `manifest ${reference} of ${this.#text}`)
    let doc: Doc
    try {
      doc = JSON.parse(bytes.toString('utf8')) as Doc
    } catch {
      throw this.malformed(`manifest ${digest} is not JSON`)
    }
    if (doc.schemaVersion === 1) throw new GostaticError(ErrorCode.UNSUPPORTED, `${this.#text} has a schema 1 manifest, which gostatic does not read`)
    return { digest, bytes, doc, contentType: res.headers.get('content-type') }
  }

  async blob(d: Descriptor): Promise<Buffer> {
    const ref = this.#ref
    const doing = `reading blob ${d.digest} of ${this.#text}`
    const res = await this.client.fetch({ method: 'GET', url: `/v2/${ref.repository}/blobs/${d.digest}`, scopes: [repoScope(ref.repository)], doing })
    // One byte over the size is enough to know it's wrong; don't read a runaway body.
    const bytes = await this.client.body(res, doing, d.size + 1)
    verifyDigest(bytes, d.digest, d.size, `blob ${d.digest} of ${this.#text}`)
    return bytes
  }

  malformed(why: string): GostaticError {
    return new GostaticError(ErrorCode.OCI_MALFORMED, `image ${this.#text}: ${why}`)
  }
}
