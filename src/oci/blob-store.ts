// The on-disk, content-addressed cache pulled blobs share with built layers:
// <cacheDir>/blobs/sha256/<hex>. Every read is re-hashed, so a damaged file
// costs a download, never a wrong image; every write is verified first and
// goes through temp + rename, so a bad download leaves nothing behind.
// Beside it: the digest a tag last resolved to, and the repositories where
// a blob is known to live (for cross-repo mounts on push).
import { createHash } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { ErrorCode, GostaticError } from '../errors.js'
import { blobPath } from './layer-cache.js'
import { writeFileAtomic } from '../util/atomic-write.js'
import { sha256 } from '../util/digest.js'

export { sha256 }

export type TagRecord = { readonly digest: string }


/** Refuses bytes that don't hash to `digest` (and, when given, aren't `size` long). */
export function verifyDigest(bytes: Buffer, digest: string, size: number | undefined, what: string): void {
  if (!digest.startsWith('sha256:')) throw new GostaticError(ErrorCode.UNSUPPORTED, `${what} uses digest ${digest}; gostatic verifies sha256 digests only`)
  const got = sha256(bytes)
  if (got !== digest || (size !== undefined && bytes.length !== size))
    throw new GostaticError(ErrorCode.DIGEST_MISMATCH, `${what}: expected ${digest} (${size ?? '?'} bytes) but received ${got} (${bytes.length} bytes); refusing it, nothing was written`, {
      hint: 'the registry, a proxy or the network corrupted the data; retry, and if it persists, report it to the registry operator',
    })
}

export class BlobStore {
  /** null: no cache; blobs live only in memory for this build. */
  readonly dir: string | null

  constructor(dir: string | null) {
    this.dir = dir
  }

  /** The cached blob when present and intact. */
  async get(digest: string, size?: number): Promise<Buffer | undefined> {
    if (this.dir === null || !digest.startsWith('sha256:')) return undefined
    const path = blobPath(this.dir, digest)
    const bytes = await readFile(path).catch(() => undefined)
    if (bytes === undefined) return undefined
    if (sha256(bytes) !== digest || (size !== undefined && bytes.length !== size)) {
      await rm(path, { force: true })
      return undefined
    }
    return bytes
  }

  /** Stores verified bytes; the caller has checked them against their digest. */
  async put(digest: string, bytes: Buffer): Promise<void> {
    if (this.dir === null) return
    await writeFileAtomic(blobPath(this.dir, digest), bytes)
  }

  async tag(canonical: string): Promise<TagRecord | undefined> {
    const rec = await this.#json<TagRecord>(this.#tagPath(canonical))
    return rec && typeof rec.digest === 'string' ? rec : undefined
  }

  async setTag(canonical: string, rec: TagRecord): Promise<void> {
    if (this.dir === null) return
    await writeFileAtomic(this.#tagPath(canonical), Buffer.from(JSON.stringify({ ref: canonical, digest: rec.digest }) + '\n'))
  }

  /** 'registry/repository' names where `digest` was pulled from or pushed to. */
  async sources(digest: string): Promise<string[]> {
    const rec = await this.#json<{ repos?: unknown }>(this.#sourcePath(digest))
    return Array.isArray(rec?.repos) ? rec.repos.filter((r): r is string => typeof r === 'string') : []
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

  async #json<T>(path: string): Promise<T | undefined> {
    if (this.dir === null) return undefined
    try {
      return JSON.parse(await readFile(path, 'utf8')) as T
    } catch {
      return undefined
    }
  }
}
