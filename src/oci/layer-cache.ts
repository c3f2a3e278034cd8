// Warm rebuilds with no change reuse the compressed layer instead of
// gzipping the binary again. The key covers everything that shapes the
// layer's bytes; a hit is checked against its bytes (blob digest and size,
// and the diff ID recomputed by decompressing it) before use, so a damaged
// cache can only cost a rebuild and an event, never a wrong image.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { buildLayer, LAYER_GZIP_LEVEL, type LayerEntry, type MemoryLayer } from './layer.js'
import { GZIP_CHUNK } from './parallel-gzip.js'
import { writeCacheFile, type CacheDamage } from './cache-dir.js'
import { discardEntry, gunzipDigest, readRecord, sha256Hex, type CacheRead } from './cache-entry.js'

// v2: layers of more than one chunk are gzipped in 1 MiB chunks (parallel-gzip.ts).
// v3: the record names its key, so a record swapped in from another entry is seen.
const FORMAT = 'gostatic-layer/v3'

const DIGEST = z.string().regex(/^sha256:[0-9a-f]{64}$/)
const LayerRecordSchema = z.object({
  key: z.string(),
  digest: DIGEST,
  diffId: DIGEST,
  size: z.number().int().nonnegative(),
})

export async function cachedLayer(
  entries: readonly LayerEntry[],
  mtime: number,
  cacheDir: string | null,
  onDamage?: CacheDamage,
): Promise<MemoryLayer> {
  if (cacheDir === null) return buildLayer(entries, { mtime })
  const key = await layerKey(entries, mtime)
  const keyFile = join(cacheDir, 'layers', `${key}.json`)
  const hit = await readHit(cacheDir, keyFile, key)
  if (hit.kind === 'hit') return hit.value
  if (hit.kind === 'damaged') await discardEntry([keyFile, ...(hit.blob ?? [])], hit.reason, onDamage)
  const layer = await buildLayer(entries, { mtime })
  await writeCacheFile(cacheDir, blobPath(cacheDir, layer.digest), layer.gz)
  const record = { key, digest: layer.digest, diffId: layer.diffId, size: layer.size }
  await writeCacheFile(cacheDir, keyFile, Buffer.from(JSON.stringify(record)))
  return layer
}

export function blobPath(cacheDir: string, digest: string): string {
  return join(cacheDir, 'blobs', 'sha256', digest.replace(/^sha256:/, ''))
}

/** A damaged hit names the blob to remove too, when the blob itself is bad. */
type Hit = CacheRead<MemoryLayer> & { blob?: string[] }

/** The layer a record names, when its blob is there and matches the record (digest, size, diff ID). */
async function readHit(cacheDir: string, keyFile: string, key: string): Promise<Hit> {
  const rec = await readRecord(keyFile, LayerRecordSchema, key)
  if (rec.kind !== 'hit') return rec
  const meta = rec.value
  const path = blobPath(cacheDir, meta.digest)
  const gz = await readFile(path).catch(() => undefined)
  // A record whose blob is gone was torn (the blob is written first): rebuild, and say so.
  if (gz === undefined) return { kind: 'damaged', reason: `its blob ${meta.digest} is missing` }
  if (gz.length !== meta.size || `sha256:${sha256Hex(gz)}` !== meta.digest)
    return { kind: 'damaged', reason: `its blob does not hash to ${meta.digest}`, blob: [path] }
  const diffId = await gunzipDigest(gz).catch(() => undefined)
  // The blob is what its name says; the record is what lied: only it goes.
  if (diffId !== meta.diffId)
    return { kind: 'damaged', reason: `its blob's diff ID is not the recorded ${meta.diffId}` }
  return { kind: 'hit', value: { gz, digest: meta.digest, diffId: meta.diffId, size: meta.size } }
}

async function layerKey(entries: readonly LayerEntry[], mtime: number): Promise<string> {
  const h = createHash('sha256').update(`${FORMAT}\n${LAYER_GZIP_LEVEL}\n${GZIP_CHUNK}\n${mtime}\n`)
  for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    h.update(JSON.stringify([e.path, e.type, e.mode, e.uid ?? 0, e.gid ?? 0, e.linkTarget ?? null]))
    if (e.content) h.update(e.contentSha256 ?? createHash('sha256').update(e.content).digest('hex'))
    else if (e.sourcePath) h.update(await fileHash(e.sourcePath))
    h.update('\n')
  }
  return h.digest('hex')
}

function fileHash(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256')
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')))
  })
}
