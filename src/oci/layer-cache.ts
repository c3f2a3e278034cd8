// Warm rebuilds with no change reuse the compressed layer instead of
// gzipping the binary again. The key covers everything that shapes the
// layer's bytes; a hit is re-hashed before use, so a damaged cache can
// only cost a rebuild, never a wrong image.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { buildLayer, LAYER_GZIP_LEVEL, type BuiltLayer, type LayerEntry } from './layer.js'
import { GZIP_CHUNK } from './parallel-gzip.js'
import { writeCacheFile } from './cache-dir.js'

// v2: layers of more than one chunk are gzipped in 1 MiB chunks (parallel-gzip.ts).
const FORMAT = 'gostatic-layer/v2'

export async function cachedLayer(entries: readonly LayerEntry[], mtime: number, cacheDir: string | null): Promise<BuiltLayer> {
  if (cacheDir === null) return buildLayer(entries, { mtime })
  const key = await layerKey(entries, mtime)
  const keyFile = join(cacheDir, 'layers', `${key}.json`)
  const hit = await readHit(cacheDir, keyFile)
  if (hit) return hit
  const layer = await buildLayer(entries, { mtime })
  await writeCacheFile(blobPath(cacheDir, layer.digest), layer.gz)
  await writeCacheFile(keyFile, Buffer.from(JSON.stringify({ digest: layer.digest, diffId: layer.diffId, size: layer.size })))
  return layer
}

export function blobPath(cacheDir: string, digest: string): string {
  return join(cacheDir, 'blobs', 'sha256', digest.replace(/^sha256:/, ''))
}

async function readHit(cacheDir: string, keyFile: string): Promise<BuiltLayer | undefined> {
  try {
    const meta = JSON.parse(await readFile(keyFile, 'utf8')) as { digest: string; diffId: string; size: number }
    const gz = await readFile(blobPath(cacheDir, meta.digest))
    if (gz.length !== meta.size || `sha256:${createHash('sha256').update(gz).digest('hex')}` !== meta.digest) return undefined
    return { gz, digest: meta.digest, diffId: meta.diffId, size: meta.size }
  } catch {
    return undefined
  }
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
