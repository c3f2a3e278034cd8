// Pulls a base image for the platforms a build targets: resolves the tag,
// picks each platform from the index, and fetches config and layers into
// the blob cache, verifying every digest. With the tag already resolved in
// the cache (policy 'missing') and its blobs present, no request is made.
// Manifests and configs reach the cache once every blob of every platform is
// verified; layers stream to it, each verified (digest and diff ID) before it
// appears there, so a refused blob leaves nothing behind. The tag record comes
// last: a tag that resolves in the cache has all its blobs there. Layers are
// files, never buffers: memory stays bounded whatever a registry declares.
import { ErrorCode, GostaticError } from '../errors.js'
import { hint } from '../hints.js'
import type { BuiltLayer } from '../oci/layer.js'
import type { OciPlatform } from '../oci/oci-types.js'
import type { OciConfigFile } from '../oci/oci-reader.js'
import type { z } from 'zod'
import { checkShape, configFileSchema, manifestDocSchema } from '../oci/oci-schemas.js'
import { parseImageRef, type ImageRef } from '../spec/image-ref.js'
import { BlobStore } from '../oci/blob-store.js'
import { blobPath } from '../oci/layer-cache.js'
import { processTempDir } from '../util/process-temp-dir.js'
import { downloadLayer } from './layer-download.js'
import type { CacheDamage } from '../oci/cache-dir.js'
import {
  docKind,
  GZIP_LAYERS,
  MANIFEST_MAX_BYTES,
  type Descriptor,
  type IndexDoc,
  type ManifestDoc,
} from '../oci/media-types.js'
import { matchesPlatform, pickPlatform, platformKey } from './platform-match.js'
import { RegistryClient } from './registry-client.js'
import { getVerified } from './fetch-verified.js'
import type { PullPolicy, RegistryOptions } from './registry-options.js'

export interface PullOptions extends RegistryOptions {
  /** The blob cache folder; null keeps pulled blobs in memory only. */
  cacheDir: string | null
  pull?: PullPolicy
  /** Told of a cached blob or tag record that failed its check (it is discarded and pulled again). */
  onCacheDamage?: CacheDamage
}

export interface PulledImage {
  readonly platform: OciPlatform
  /** 'registry/repository@sha256:…' of this platform's manifest. */
  readonly reference: string
  readonly config: OciConfigFile
  readonly layers: readonly BuiltLayer[]
  /** `created_by` of each layer, for our history. */
  readonly history: readonly string[]
}

export interface PullOutcome {
  readonly ref: ImageRef
  /** Digest the reference resolved to (an index or a manifest). */
  readonly digest: string
  /** In the order of the requested platforms. */
  readonly images: readonly PulledImage[]
  /** Whether anything was asked of the registry. */
  readonly usedNetwork: boolean
}

export async function pullImage(
  refText: string,
  platforms: readonly OciPlatform[],
  opts: PullOptions,
): Promise<PullOutcome> {
  const parsed = parseImageRef(refText)
  if (!parsed.ok) throw new GostaticError(ErrorCode.INVALID_REFERENCE, `runtime image '${refText}': ${parsed.reason}`)
  const ref = parsed.ref
  // Without a cache, layers still go to files: a private folder this process removes at exit.
  const layerDir = opts.cacheDir ?? (await processTempDir('gostatic-pulled-'))
  const p = new Puller(ref, refText, opts, layerDir)
  const { digest, doc } = await p.top()
  const images: PulledImage[] = []
  for (const platform of platforms) images.push(await p.image(digest, doc, platform))
  await p.commit(digest)
  return { ref, digest, images, usedNetwork: p.usedNetwork }
}

type Doc = (IndexDoc | ManifestDoc) & { schemaVersion?: number; mediaType?: string }

class Puller {
  readonly store: BlobStore
  /** Where layers go: the cache, or the private folder when there is none. */
  readonly #layers: BlobStore
  /** Layers being fetched or checked, by digest: a layer listed twice is fetched once. */
  readonly #layerFiles = new Map<string, Promise<string>>()
  readonly #ref: ImageRef
  readonly #text: string
  readonly #opts: PullOptions
  #client: RegistryClient | undefined
  /** Verified downloads, written to the cache by commit(). */
  readonly #pending = new Map<string, Buffer>()

  constructor(ref: ImageRef, text: string, opts: PullOptions, layerDir: string) {
    this.#ref = ref
    this.#text = text
    this.#opts = opts
    this.store = new BlobStore(opts.cacheDir, opts.onCacheDamage)
    this.#layers = opts.cacheDir === null ? new BlobStore(layerDir) : this.store
  }

  get usedNetwork(): boolean {
    return this.#client !== undefined
  }

  async commit(topDigest: string): Promise<void> {
    const ref = this.#ref
    for (const [digest, bytes] of this.#pending) {
      await this.store.put(digest, bytes)
      await this.store.addSource(digest, ref.registry, ref.repository)
    }
    // Last: a tag that resolves in the cache always has its blobs there.
    if (ref.digest === undefined) await this.store.setTag(ref.canonical, { digest: topDigest })
  }

  get #reg(): RegistryClient {
    return (this.#client ??= new RegistryClient(this.#ref.registry, this.#opts))
  }

  async top(): Promise<{ digest: string; doc: Doc }> {
    const ref = this.#ref
    const known =
      ref.digest ?? (this.#opts.pull === 'always' ? undefined : (await this.store.tag(ref.canonical))?.digest)
    const cached = known === undefined ? undefined : await this.store.get(known)
    if (cached) return { digest: known!, doc: this.#parse(cached, known!) }
    const what = `image ${this.#text}`
    const got = await getVerified(this.#reg, ref.repository, {
      kind: 'manifest',
      reference: ref.digest ?? ref.tag!,
      ...(ref.digest ? { expect: { digest: ref.digest } } : {}),
      doing: `pulling ${what}`,
      what: `manifest of ${what}`,
    })
    const { bytes, digest } = got
    const doc = this.#parse(bytes, digest, got.contentType)
    this.#pending.set(digest, bytes)
    return { digest, doc }
  }

  async image(topDigest: string, top: Doc, platform: OciPlatform): Promise<PulledImage> {
    const ref = this.#ref
    let manifestDigest = topDigest
    let manifest = top as ManifestDoc
    if (docKind(top, null) === 'index') {
      const pick = pickPlatform(top as IndexDoc, platform)
      if (!pick.ok)
        throw new GostaticError(
          ErrorCode.PLATFORM_NOT_FOUND,
          `runtime image ${this.#text} has no ` +
            `${platformKey(platform)} image; it has ${pick.available.join(', ') || 'no runnable platforms'}`,
          {
            hint:
              `build for one of those platforms (${hint('platforms')}), or pick a base image that has ` +
              `${platformKey(platform)}`,
          },
        )
      manifestDigest = pick.descriptor.digest
      const bytes = await this.#blob(pick.descriptor, 'manifest', `manifest ${manifestDigest} of ${this.#text}`)
      manifest = this.#parse(bytes, manifestDigest) as ManifestDoc
      if (docKind(manifest, pick.descriptor.mediaType ?? null) !== 'manifest')
        throw this.#malformed(`${manifestDigest} is not an image manifest`)
    }
    if (!manifest.config?.digest || !Array.isArray(manifest.layers))
      throw this.#malformed(`manifest ${manifestDigest} has no config or layers`)
    const configBytes = await this.#blob(manifest.config, 'blob', `config of ${this.#text}`)
    const config = this.#json(configBytes, `config ${manifest.config.digest}`, configFileSchema)
    if (!matchesPlatform(platform, config))
      throw new GostaticError(
        ErrorCode.PLATFORM_NOT_FOUND,
        `runtime image ${this.#text} is ${platformKey(config)} only; the build targets ${platformKey(platform)}`,
        {
          hint: `build for ${platformKey(config)}, or use a multi-platform base image`,
        },
      )
    const diffIds = config.rootfs?.diff_ids ?? []
    if (diffIds.length !== manifest.layers.length)
      throw this.#malformed(
        `manifest ${manifestDigest} lists ` +
          `${manifest.layers.length} layers but its config ${diffIds.length} diff_ids`,
      )
    for (const l of manifest.layers)
      if (!GZIP_LAYERS.has(l.mediaType ?? ''))
        throw new GostaticError(
          ErrorCode.UNSUPPORTED,
          `runtime image ${this.#text}: layer ${l.digest} is ` +
            `${l.mediaType ?? 'of no media type'}; gostatic can build only on gzip layers`,
          { hint: 'use a base image published with gzip layers (the default of docker and buildkit)' },
        )
    const layers = await Promise.all(
      manifest.layers.map(async (l, i): Promise<BuiltLayer> => {
        const file = await this.#layer(l, diffIds[i]!)
        return { file, digest: l.digest, size: l.size, diffId: diffIds[i]! }
      }),
    )
    const built = (config.history ?? []).filter((h) => !h.empty_layer).map((h) => h.created_by ?? '')
    const history =
      built.length === layers.length
        ? built.map((h, i) => h || `base layer ${i + 1}`)
        : layers.map((_, i) => `base layer ${i + 1}`)
    return {
      platform,
      reference: `${ref.registry}/${ref.repository}@${manifestDigest}`,
      config,
      layers,
      history: history.map((h) => `${this.#text}: ${h}`),
    }
  }

  /** A config or child manifest by digest: from the cache, else fetched, verified and held for commit(). */
  async #blob(d: Descriptor, kind: 'manifest' | 'blob', what: string): Promise<Buffer> {
    // Read whole, so capped before a byte is asked for: a config is kilobytes, whatever the manifest says.
    if (d.size > MANIFEST_MAX_BYTES)
      throw new GostaticError(
        ErrorCode.REGISTRY_ERROR,
        `runtime image ${this.#text}: ${what} declares ${d.size} bytes: too large, more than the limit of ` +
          `${MANIFEST_MAX_BYTES} bytes gostatic reads for a manifest or config`,
        { hint: 'the image is damaged or hostile; a real config or manifest is a few kilobytes' },
      )
    const cached = this.#pending.get(d.digest) ?? (await this.store.get(d.digest, d.size))
    if (cached) return cached
    const expect = { digest: d.digest, size: d.size }
    const get = { kind, reference: d.digest, expect, doing: `pulling ${what}`, what }
    const { bytes } = await getVerified(this.#reg, this.#ref.repository, get)
    this.#pending.set(d.digest, bytes)
    return bytes
  }

  /** A layer's file: the cached one when it still hashes right, else streamed from the registry into the store. */
  #layer(d: Descriptor, diffId: string): Promise<string> {
    let file = this.#layerFiles.get(d.digest)
    if (file === undefined) {
      file = this.#fetchLayer(d, diffId)
      this.#layerFiles.set(d.digest, file)
    }
    return file
  }

  async #fetchLayer(d: Descriptor, diffId: string): Promise<string> {
    const cached = await this.#layers.file(d.digest, d.size)
    if (cached !== undefined) return cached
    const what = `layer ${d.digest} of ${this.#text}`
    const dir = this.#layers.dir!
    const dest = blobPath(dir, d.digest)
    const get = { digest: d.digest, size: d.size, diffId, doing: `pulling ${what}`, what }
    await downloadLayer(this.#reg, this.#ref.repository, get, dir, dest)
    // Where it came from, so a push to another repository of this registry mounts it rather than uploading it.
    await this.store.addSource(d.digest, this.#ref.registry, this.#ref.repository)
    return dest
  }

  #json<T extends z.ZodType>(bytes: Buffer, what: string, schema: T): z.infer<T> {
    let doc: unknown
    try {
      doc = JSON.parse(bytes.toString('utf8'))
    } catch {
      throw this.#malformed(`${what} is not JSON`)
    }
    return checkShape(schema, doc, `runtime image ${this.#text}`, what)
  }

  #parse(bytes: Buffer, digest: string, contentType: string | null = null): Doc {
    const doc = this.#json(bytes, digest, manifestDocSchema) as Doc
    if (doc.schemaVersion === 1)
      throw new GostaticError(
        ErrorCode.UNSUPPORTED,
        `runtime image ${this.#text} has a schema 1 manifest, which registries no longer serve`,
        { hint: 'push the image again with a current docker or skopeo' },
      )
    if (docKind(doc, contentType) === 'unknown')
      throw this.#malformed(`${digest} is neither an image index nor an image manifest`)
    return doc
  }

  #malformed(why: string): GostaticError {
    return new GostaticError(ErrorCode.OCI_MALFORMED, `runtime image ${this.#text}: ${why}`)
  }
}
