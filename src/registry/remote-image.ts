// Reads a pushed image through the registry API into the same OciArchive an
// image archive opens to, so inspect reports on both alike: the manifests,
// configs and layers the reference leads to (only the wanted platforms'
// configs and layers when `wants` is given), each verified against its
// digest and held in memory, plus what is stored next to it under cosign's
// tag scheme. The archive is laid out as an OCI layout (index.json naming
// the image and its attachments by ref name) and resolved by the archive
// reader itself.
import { open } from 'node:fs/promises'
import { blobPath } from '../oci/layer-cache.js'
import { processTempDir } from '../util/process-temp-dir.js'
import { downloadLayer } from './layer-download.js'
import { ErrorCode, GostaticError } from '../errors.js'
import { sha256 } from '../oci/blob-store.js'
import { docKind, Media, type Descriptor } from '../oci/media-types.js'
import { MAX_MANIFESTS, resolveOciLayout } from '../oci/oci-resolve.js'
import { checkShape, manifestDocSchema } from '../oci/oci-schemas.js'
import type { ArchiveFile } from '../oci/oci-archive-scan.js'
import type { OciArchive } from '../oci/oci-reader.js'
import type { OciPlatform } from '../oci/oci-types.js'
import type { ReferrerInfo } from '../oci/oci-attachments.js'
import { parseImageRef, type ImageRef } from '../spec/image-ref.js'
import { getVerified } from './fetch-verified.js'
import { platformKey } from './platform-match.js'
import { RegistryClient } from './registry-client.js'
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

export type ManifestDoc = {
  mediaType?: string
  manifests?: Descriptor[]
  config?: Descriptor
  layers?: Descriptor[]
  schemaVersion?: number
}

const REF_NAME = 'org.opencontainers.image.ref.name'
// Nested indexes deeper than this are refused, as the archive reader does.
const MAX_DEPTH = 4

export async function readRemoteImage(refText: string, opts: RemoteReadOptions = {}): Promise<RemoteImage> {
  const parsed = parseImageRef(refText)
  if (!parsed.ok) throw new GostaticError(ErrorCode.INVALID_REFERENCE, `image '${refText}': ${parsed.reason}`)
  const ref = parsed.ref
  const reader = new ManifestReader(new RegistryClient(ref.registry, opts), ref, refText)
  const graph = await readGraph(reader, opts)
  const found = await findAttachments(reader, graph.subjects)
  for (const a of found.attachments) graph.blobs.set(a.info.digest, a.bytes)
  const layout = {
    schemaVersion: 2,
    mediaType: Media.ociIndex,
    manifests: [
      ...graph.images.map((d) => ({ ...d, annotations: { ...d.annotations, [REF_NAME]: refText } })),
      ...found.attachments.map((a) => ({
        mediaType: Media.ociManifest,
        digest: a.info.digest,
        size: a.bytes.length,
        annotations: { [REF_NAME]: a.info.tag },
      })),
    ],
  }
  const resolved = await resolveOciLayout({ path: refText, files: layoutFiles(layout, graph.blobs), links: new Map() })
  const archive: OciArchive = { path: refText, ...resolved, indexDigest: graph.digest, refName: refText }
  return { ref, archive, referrers: found.referrers }
}

interface Graph {
  /** What the reference resolves to. */
  readonly digest: string
  /** Every manifest and config fetched, by digest; layers as files (verified, in a private temp folder). */
  readonly blobs: Map<string, Buffer | LayerFile>
  /** The digest and every runnable platform manifest: what attachments may be about. */
  readonly subjects: readonly string[]
  /** What index.json is to list as the image. */
  readonly images: readonly Descriptor[]
}

async function readGraph(reader: ManifestReader, opts: RemoteReadOptions): Promise<Graph> {
  const ref = reader.ref
  const top = await reader.manifest(ref.digest ?? ref.tag!, ref.digest)
  const mediaType = top.doc.mediaType ?? top.contentType ?? Media.ociManifest
  const topDesc: Descriptor = { mediaType, digest: top.digest, size: top.bytes.length }
  const blobs = new Map<string, Buffer | LayerFile>([[top.digest, top.bytes]])
  const subjects = [top.digest]
  const fetched: Descriptor[] = []
  const skipped: string[] = []
  const image = async (d: Descriptor, doc: ManifestDoc): Promise<void> => {
    if (doc.config?.digest) blobs.set(doc.config.digest, await reader.blob(doc.config))
    // Layers go to files, never memory: a registry may declare any size.
    for (const l of doc.layers ?? []) if (l?.digest) blobs.set(l.digest, await reader.layerFile(l))
    fetched.push(d)
  }
  const seen = new Set<string>([top.digest])
  const index = async (doc: ManifestDoc, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) throw reader.malformed(`image indexes nest deeper than ${MAX_DEPTH}`)
    for (const child of doc.manifests ?? []) {
      // An index that lists a manifest twice, or itself, costs one request per digest.
      if (seen.has(child.digest)) continue
      seen.add(child.digest)
      if (seen.size > MAX_MANIFESTS) throw reader.malformed(`its indexes lead to more than ${MAX_MANIFESTS} manifests`)
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
  if (opts.wants && isIndex && fetched.length === 0) {
    const want = opts.platform ?? 'the platform asked for'
    const have = skipped.join(', ') || 'none'
    throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `${reader.text} has no image for ${want}; it has ${have}`)
  }
  // With a platform asked for, the index names platforms whose layers were not fetched: list the fetched ones.
  return { digest: top.digest, blobs, subjects, images: opts.wants && isIndex ? fetched : [topDesc] }
}

/** A layer read from the registry into a file of its own. */
type LayerFile = { readonly file: string; readonly size: number; readonly magic: Buffer }

function layoutFiles(index: object, blobs: ReadonlyMap<string, Buffer | LayerFile>): Map<string, ArchiveFile> {
  const file = (name: string, b: Buffer | LayerFile, digest?: string): [string, ArchiveFile] => [
    name,
    Buffer.isBuffer(b)
      ? { name, digest: sha256(b), size: b.length, bytes: b, magic: b.subarray(0, 4) }
      : { name, digest: digest!, size: b.size, file: b.file, offset: 0, magic: b.magic },
  ]
  const files = new Map<string, ArchiveFile>([file('index.json', Buffer.from(JSON.stringify(index)))])
  for (const [digest, b] of blobs) files.set(...file(`blobs/${digest.replace(':', '/')}`, b, digest))
  return files
}

export interface FetchedManifest {
  readonly digest: string
  readonly bytes: Buffer
  readonly doc: ManifestDoc
  readonly contentType: string | null
}

/** Manifests and blobs of one repository, each checked against the digest that named it. */
export class ManifestReader {
  readonly client: RegistryClient
  readonly ref: ImageRef
  /** The reference as given, for messages. */
  readonly text: string

  constructor(client: RegistryClient, ref: ImageRef, text: string) {
    this.client = client
    this.ref = ref
    this.text = text
  }

  /** By tag or digest; `expected` is the digest that must come back (a digest reference, an index entry). */
  async manifest(reference: string, expected: string | undefined): Promise<FetchedManifest> {
    return (await this.maybeManifest(reference, expected))!
  }

  /** null for a status in `pass` (404 for a tag that may not exist). */
  async maybeManifest(
    reference: string,
    expected: string | undefined,
    pass?: readonly number[],
  ): Promise<FetchedManifest | null> {
    const named = reference === this.ref.tag || reference === this.ref.digest
    const got = await getVerified(this.client, this.ref.repository, {
      kind: 'manifest',
      reference,
      ...(expected ? { expect: { digest: expected } } : {}),
      doing: `reading ${named ? `image ${this.text}` : `manifest ${reference} of ${this.text}`}`,
      what: `manifest ${reference} of ${this.text}`,
      ...(pass ? { pass } : {}),
    })
    if (got === null) return null
    let json: unknown
    try {
      json = JSON.parse(got.bytes.toString('utf8'))
    } catch {
      throw this.malformed(`manifest ${got.digest} is not JSON`)
    }
    const doc: ManifestDoc = checkShape(manifestDocSchema, json, `image ${this.text}`, `manifest ${got.digest}`)
    if (doc.schemaVersion === 1) {
      const why = `${this.text} has a schema 1 manifest, which registries no longer serve`
      throw new GostaticError(ErrorCode.UNSUPPORTED, why)
    }
    return { ...got, doc }
  }

  async blob(d: Descriptor): Promise<Buffer> {
    const what = `blob ${d.digest} of ${this.text}`
    const expect = { digest: d.digest, size: d.size }
    const get = { kind: 'blob', reference: d.digest, expect, doing: `reading ${what}`, what } as const
    return (await getVerified(this.client, this.ref.repository, get)).bytes
  }

  /** A layer, streamed to a private temp file and verified on the way (inspect checks no diff ID: '' skips it). */
  async layerFile(d: Descriptor): Promise<LayerFile> {
    const what = `layer ${d.digest} of ${this.text}`
    const dir = await processTempDir('gostatic-remote-')
    const dest = blobPath(dir, d.digest)
    const get = { digest: d.digest, size: d.size, diffId: '', doing: `reading ${what}`, what }
    await downloadLayer(this.client, this.ref.repository, get, dir, dest)
    return { file: dest, size: d.size, magic: await readHead(dest, 4) }
  }

  malformed(why: string): GostaticError {
    return new GostaticError(ErrorCode.OCI_MALFORMED, `image ${this.text}: ${why}`)
  }
}

async function readHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r')
  try {
    const b = Buffer.alloc(n)
    const { bytesRead } = await fh.read(b, 0, n, 0)
    return b.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}
