// The on-disk, content-addressed cache pulled blobs share with built layers:
// <cacheDir>/blobs/sha256/<hex>. Every read is re-hashed, so a damaged file
// costs a download and a damage report, never a wrong image; every write is verified first and
// goes through temp + rename, so a bad download leaves nothing behind.
// Beside it: the digest a tag last resolved to, and the repositories where
// a blob is known to live (for cross-repo mounts on push).
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, rm, stat } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { ErrorCode, GostaticError } from '../errors.js'
import { blobPath } from './layer-cache.js'
import type { CacheDamage } from './cache-dir.js'
import { writeFileAtomic } from '../util/atomic-write.js'
import { sha256 } from '../util/digest.js'

export { sha256 }

export type TagRecord = { readonly digest: string }
const TagFileSchema = z.object({ ref: z.string(), digest: z.string().regex(/^sha256:[0-9a-f]{64}$/) })
const SourcesFileSchema = z.object({ repos: z.array(z.string()) })

/** Refuses bytes that don't hash to `digest` (and, when given, aren't `size` long). */
export function verifyDigest(bytes: Buffer, digest: string, size: number | undefined, what: string): void {
  requireSha256(digest, what)
  const got = sha256(bytes)
  if (got !== digest || (size !== undefined && bytes.length !== size))
    throw digestMismatch(what, digest, size, got, bytes.length)
}

export function requireSha256(digest: string, what: string): void {
  if (!digest.startsWith('sha256:'))
    throw new GostaticError(
      ErrorCode.UNSUPPORTED,
      `${what} uses digest ${digest}; gostatic verifies sha256 digests only`,
    )
}

/** Bytes that are not what named them: `got` and `n` are their own digest and length. */
export function digestMismatch(
  what: string,
  digest: string,
  size: number | undefined,
  got: string,
  n: number,
): GostaticError {
  return new GostaticError(
    ErrorCode.DIGEST_MISMATCH,
    `${what}: expected ${digest} (${size ?? '?'} bytes) but ` +
      `received ${got} (${n} bytes); refusing it, nothing was written`,
    {
      hint:
        'the registry, a proxy or the network corrupted the data; retry, and if it persists, report it to the ' +
        'registry operator',
    },
  )
}

export class BlobStore {
  /** null: no cache; blobs live only in memory for this build. */
  readonly dir: string | null
  readonly #onDamage: CacheDamage | undefined

  constructor(dir: string | null, onDamage?: CacheDamage) {
    this.dir = dir
    this.#onDamage = onDamage
  }

  /** The cached blob when present and intact. */
  async get(digest: string, size?: number): Promise<Buffer | undefined> {
    if (this.dir === null || !digest.startsWith('sha256:')) return undefined
    const path = blobPath(this.dir, digest)
    const bytes = await readFile(path).catch(() => undefined)
    if (bytes === undefined) return undefined
    const got = sha256(bytes)
    if (got !== digest || (size !== undefined && bytes.length !== size)) {
      await rm(path, { force: true })
      this.#onDamage?.(path, got !== digest ? `does not hash to ${digest}` : `is ${bytes.length} bytes, not ${size}`)
      return undefined
    }
    return bytes
  }

  /**
   * The path of the cached blob when present and intact, checked by streaming
   * it through the hash: for layers, which are never read whole.
   */
  async file(digest: string, size?: number): Promise<string | undefined> {
    if (this.dir === null || !digest.startsWith('sha256:')) return undefined
    const path = blobPath(this.dir, digest)
    const st = await stat(path).catch(() => undefined)
    if (st === undefined) return undefined
    const damaged = async (why: string) => {
      await rm(path, { force: true })
      this.#onDamage?.(path, why)
      return undefined
    }
    if (size !== undefined && st.size !== size) return damaged(`is ${st.size} bytes, not ${size}`)
    const h = createHash('sha256')
    const read = await pipeline(createReadStream(path), async (src: AsyncIterable<Buffer>) => {
      for await (const c of src) h.update(c)
    }).then(
      () => true,
      () => false,
    )
    if (!read) return damaged('cannot be read')
    return `sha256:${h.digest('hex')}` === digest ? path : damaged(`does not hash to ${digest}`)
  }

  /** Stores verified bytes; the caller has checked them against their digest. */
  async put(digest: string, bytes: Buffer): Promise<void> {
    if (this.dir === null) return
    await writeFileAtomic(blobPath(this.dir, digest), bytes)
  }

  /** The digest `canonical` last resolved to; a record of another tag (swapped) or a torn one is discarded. */
  async tag(canonical: string): Promise<TagRecord | undefined> {
    const path = this.#tagPath(canonical)
    const rec = await this.#json(path)
    if (rec === undefined) return undefined
    const r = TagFileSchema.safeParse(rec)
    if (r.success && r.data.ref === canonical) return { digest: r.data.digest }
    await rm(path, { force: true }).catch(() => undefined)
    this.#onDamage?.(path, `is not a record of the tag ${canonical}`)
    return undefined
  }

  async setTag(canonical: string, rec: TagRecord): Promise<void> {
    if (this.dir === null) return
    await writeFileAtomic(
      this.#tagPath(canonical),
      Buffer.from(JSON.stringify({ ref: canonical, digest: rec.digest }) + '\n'),
    )
  }

  /** 'registry/repository' names where `digest` was pulled from or pushed to. */
  async sources(digest: string): Promise<string[]> {
    const r = SourcesFileSchema.safeParse(await this.#json(this.#sourcePath(digest)))
    return r.success ? r.data.repos : []
  }

  async addSource(digest: string, registry: string, repository: string): Promise<void> {
    if (this.dir === null || !digest.startsWith('sha256:')) return
    const name = `${registry}/${repository}`
    const repos = await this.sources(digest)
    if (repos.includes(name)) return
    // Newest first and bounded: a lost race only loses a mount hint.
    const next = [name, ...repos].slice(0, 16)
    await writeFileAtomic(this.#sourcePath(digest), Buffer.from(JSON.stringify({ repos: next }) + '\n'))
  }

  #tagPath(canonical: string): string {
    return join(this.dir ?? '', 'registry', 'tags', `${createHash('sha256').update(canonical).digest('hex')}.json`)
  }

  #sourcePath(digest: string): string {
    return join(this.dir ?? '', 'registry', 'sources', `${digest.replace(/^sha256:/, '')}.json`)
  }

  /** The parsed file; undefined when absent, null when it is not JSON (torn). */
  async #json(path: string): Promise<unknown> {
    if (this.dir === null) return undefined
    const text = await readFile(path, 'utf8').catch(() => undefined)
    if (text === undefined) return undefined
    try {
      return JSON.parse(text) as unknown
    } catch {
      return null
    }
  }
}
