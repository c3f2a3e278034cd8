// Publishes an OCI archive to a registry: every blob first (skipped when the
// registry has it, mounted from another repository of the same registry when
// we know one that holds it, else uploaded), then each platform's manifest by
// digest, and the tag last, so a push that fails leaves no tag behind.
import { ErrorCode, GostaticError } from '../errors.js'
import { blobBytes } from '../oci/oci-archive-scan.js'
import { readOciArchive, type OciArchive } from '../oci/oci-reader.js'
import type { ImageRef } from '../spec/image-ref.js'
import { publishRef } from './publish-ref.js'
import { BlobStore } from '../oci/blob-store.js'
import { docKind, type IndexDoc, type ManifestDoc } from '../oci/media-types.js'
import { RegistryClient, repoScope } from './registry-client.js'
import type { PublishOptions, PushProgress } from './registry-options.js'
import { openSession, uploadWithRestarts } from './upload-session.js'
import { transfers } from './transfer-limiter.js'
import { tagAttachments, type AttachmentManifest } from './push-attachments.js'

export { publishRef }

export interface PushResult {
  /** 'registry/repository:tag@sha256:…': what to deploy. */
  readonly reference: string
  /** Digest of the pushed manifest, or of the image index for several platforms. */
  readonly digest: string
}

export async function publishOciArchive(
  archivePath: string,
  refText: string,
  opts: PublishOptions & { cacheDir?: string | null } = {},
): Promise<PushResult> {
  const ref = publishRef(refText)
  const archive = await readOciArchive(archivePath)
  if (archive.format !== 'oci' || !archive.blobs.has(archive.indexDigest))
    throw new GostaticError(
      ErrorCode.UNSUPPORTED,
      `${archivePath}: only OCI archives with one top-level image (as gostatic writes them) can be published`,
    )
  const client = new RegistryClient(ref.registry, opts)
  const store = new BlobStore(opts.cacheDir ?? null)
  const progress = opts.onProgress ?? (() => undefined)
  const top = await json(archive, archive.indexDigest)
  const kind = docKind(top.doc, null)
  const manifests =
    kind === 'index'
      ? (top.doc as IndexDoc).manifests.map((d) => d.digest)
      : kind === 'manifest'
        ? [archive.indexDigest]
        : []
  if (manifests.length === 0)
    throw new GostaticError(
      ErrorCode.OCI_MALFORMED,
      `${archivePath}: ${archive.indexDigest} is neither an image index nor a manifest`,
    )

  const docs = await Promise.all(manifests.map((d) => json(archive, d)))
  const attachments = await attachmentManifests(archive, [archive.indexDigest, ...manifests])
  const blobs = new Map<string, number>()
  for (const m of [...docs, ...attachments.map((a) => a.doc)])
    for (const d of [(m.doc as ManifestDoc).config, ...(m.doc as ManifestDoc).layers]) blobs.set(d.digest, d.size)
  // Blobs at once, each holding a slot of the process-wide transfer limit; all settle before a failure is thrown.
  const pushed = await Promise.allSettled(
    [...blobs].map(([digest, size]) =>
      transfers.run(async () => {
        progress(await ensureBlob(client, store, ref, digest, size, () => readBlob(archive, digest), opts.chunkSize))
      }),
    ),
  )
  const failed = pushed.find((p) => p.status === 'rejected')
  if (failed) throw failed.reason
  // Child manifests by digest; the index (or the single manifest) under the tag, last.
  if (kind === 'index')
    for (const m of docs) await putManifest(client, ref, m.digest, m.bytes, m.doc.mediaType, progress)
  if (attachments.length > 0) {
    // The image by digest first, so every attachment's subject exists; its tag after them.
    await putManifest(client, ref, archive.indexDigest, top.bytes, top.doc.mediaType, progress)
    await tagAttachments(client, ref, attachments, progress)
  }
  const digest = await putManifest(client, ref, ref.tag!, top.bytes, top.doc.mediaType, progress, archive.indexDigest)
  return { reference: `${ref.registry}/${ref.repository}:${ref.tag}@${digest}`, digest }
}

async function ensureBlob(
  client: RegistryClient,
  store: BlobStore,
  ref: ImageRef,
  digest: string,
  size: number,
  read: () => Promise<Buffer>,
  chunkSize: number | undefined,
): Promise<PushProgress> {
  const repo = ref.repository
  const scope = repoScope(repo, true)
  const doing = `pushing blob ${digest} to ${ref.registry}/${repo}`
  const head = await client.fetch({
    method: 'HEAD',
    url: `/v2/${repo}/blobs/${digest}`,
    scopes: [scope],
    doing,
    pass: [404],
  })
  if (head.ok) {
    await store.addSource(digest, ref.registry, repo)
    return { kind: 'blob', digest, size, action: 'exists' }
  }
  let location: string | undefined
  const from = (await store.sources(digest))
    .find((s) => s.startsWith(`${ref.registry}/`) && s !== `${ref.registry}/${repo}`)
    ?.slice(ref.registry.length + 1)
  if (from !== undefined) {
    const q = new URLSearchParams({ mount: digest, from })
    const res = await client.fetch({
      method: 'POST',
      url: `/v2/${repo}/blobs/uploads/?${q}`,
      scopes: [scope, repoScope(from)],
      doing,
      pass: [],
    })
    await res.body?.cancel()
    if (res.status === 201) {
      await store.addSource(digest, ref.registry, repo)
      return { kind: 'blob', digest, size, action: 'mounted', from }
    }
    // 202: the registry could not mount and opened an upload session instead.
    location = res.headers.get('location') ?? undefined
  }
  const bytes = await read()
  const open = () => openSession(client, repo, [scope], doing)
  const upload = { digest, bytes, scopes: [scope], doing, ...(chunkSize ? { chunkSize } : {}) }
  await uploadWithRestarts(client, location, open, upload)
  await store.addSource(digest, ref.registry, repo)
  return { kind: 'blob', digest, size, action: 'uploaded' }
}

async function putManifest(
  client: RegistryClient,
  ref: ImageRef,
  reference: string,
  bytes: Buffer,
  mediaType: string | undefined,
  progress: (e: PushProgress) => void,
  expect = reference,
): Promise<string> {
  const doing = `pushing manifest ${ref.registry}/${ref.repository}:${reference}`
  const res = await client.fetch({
    method: 'PUT',
    url: `/v2/${ref.repository}/manifests/${reference}`,
    scopes: [repoScope(ref.repository, true)],
    doing,
    headers: { 'content-type': mediaType ?? 'application/vnd.oci.image.manifest.v1+json' },
    body: bytes,
    // The same bytes under the same name: a second PUT stores what the first did (the digest is checked below).
    repeatable: true,
  })
  await res.body?.cancel()
  const said = res.headers.get('docker-content-digest')
  if (said && said !== expect)
    throw new GostaticError(
      ErrorCode.DIGEST_MISMATCH,
      `registry ${ref.registry} stored manifest ${reference} as ${said}, not ${expect}`,
      { hint: 'the registry or a proxy changed the manifest; check them' },
    )
  progress({ kind: 'manifest', digest: expect, reference })
  return expect
}

/** The archive's attachments, each about one of `digests` (an attachment about another image is refused). */
async function attachmentManifests(
  archive: OciArchive,
  digests: readonly string[],
): Promise<(AttachmentManifest & { doc: Awaited<ReturnType<typeof json>> })[]> {
  const out = []
  for (const info of archive.attachments) {
    if (!digests.includes(info.subject))
      throw new GostaticError(
        ErrorCode.OCI_MALFORMED,
        `${archive.path}: ${info.tag} is about ${info.subject}, which is not this image (${digests.join(', ')})`,
      )
    const doc = await json(archive, info.digest)
    out.push({ info, bytes: doc.bytes, doc })
  }
  return out
}

async function readBlob(archive: OciArchive, digest: string): Promise<Buffer> {
  return blobBytes(archive.path, archive.blobs.get(digest)!)
}

async function json(
  archive: OciArchive,
  digest: string,
): Promise<{ digest: string; bytes: Buffer; doc: IndexDoc | ManifestDoc }> {
  const blob = archive.blobs.get(digest)
  if (!blob)
    throw new GostaticError(ErrorCode.OCI_MALFORMED, `${archive.path}: manifest ${digest} is not in the archive`)
  const bytes = await blobBytes(archive.path, blob)
  try {
    return { digest, bytes, doc: JSON.parse(bytes.toString('utf8')) as IndexDoc | ManifestDoc }
  } catch {
    throw new GostaticError(ErrorCode.OCI_MALFORMED, `${archive.path}: manifest ${digest} is not JSON`)
  }
}
