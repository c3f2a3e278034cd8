// Reading a cache entry's record (the small JSON beside its bytes): absent,
// whole, or damaged. A torn write, a stray edit or a file swapped in from
// another entry is damage: the caller discards the entry and rebuilds it.
import { createHash } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { Readable, Writable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import type { z } from 'zod'
import type { CacheDamage } from './cache-dir.js'

export type CacheRead<T> = { kind: 'absent' } | { kind: 'hit'; value: T } | { kind: 'damaged'; reason: string }

/** The record at `path`, checked against `schema`; a record whose `key` is not `key` was swapped in. */
export async function readRecord<T extends { key: string }>(
  path: string,
  schema: z.ZodType<T>,
  key: string,
): Promise<CacheRead<T>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return code === 'ENOENT' ? { kind: 'absent' } : { kind: 'damaged', reason: `cannot be read (${code ?? 'error'})` }
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { kind: 'damaged', reason: 'its record is not JSON (torn or overwritten)' }
  }
  const r = schema.safeParse(json)
  if (!r.success) return { kind: 'damaged', reason: 'its record lacks a field or has one of the wrong type' }
  if (r.data.key !== key) return { kind: 'damaged', reason: 'its record belongs to another entry (swapped)' }
  return { kind: 'hit', value: r.data }
}

/** Removes a damaged entry's files and says so; a file that cannot be removed is overwritten by the rebuild. */
export async function discardEntry(
  paths: readonly string[],
  reason: string,
  onDamage: CacheDamage | undefined,
): Promise<void> {
  await Promise.all(paths.map((p) => rm(p, { force: true }).catch(() => undefined)))
  onDamage?.(paths[0]!, reason)
}

export const sha256Hex = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex')

/** 'sha256:…' of what `gz` decompresses to: a layer's diff ID, recomputed from its bytes. */
export async function gunzipDigest(gz: Buffer): Promise<string> {
  const h = createHash('sha256')
  const sink = new Writable({ write: (c: Buffer, _e, cb) => (h.update(c), cb()) })
  await pipeline(Readable.from([gz]), createGunzip(), sink)
  return `sha256:${h.digest('hex')}`
}
