// A base layer fetched straight into the blob store: the body streams to a
// temp file, hashed on the way; then the file is gunzipped and hashed for its
// diff ID (after the download, so a slow inflate never stalls the socket), and
// renamed into place only when both match what the manifest and config say.
// Memory holds a chunk at a time whatever size the registry declares or
// sends, and a refused layer leaves nothing behind.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { createGunzip } from 'node:zlib'
import { pipeline } from 'node:stream/promises'
import { ErrorCode, GostaticError } from '../errors.js'
import { writeCacheFileWith } from '../oci/cache-dir.js'
import { digestMismatch, requireSha256 } from '../oci/blob-store.js'
import { repoScope, type RegistryClient } from './registry-client.js'
import { networkError, tooLarge } from './registry-errors.js'

export interface LayerGet {
  readonly digest: string
  readonly size: number
  /** The config's diff_id for this layer; checked when it is a sha256 digest. */
  readonly diffId: string
  /** For the request's errors: 'pulling layer sha256:… of alpine:3.20'. */
  readonly doing: string
  /** For a mismatch: 'layer sha256:… of alpine:3.20'. */
  readonly what: string
}

/** Downloads the layer to `dest` (a blob path under `storeDir`), verified before it appears there. */
export async function downloadLayer(
  client: RegistryClient,
  repo: string,
  g: LayerGet,
  storeDir: string,
  dest: string,
): Promise<void> {
  requireSha256(g.digest, g.what)
  const res = await client.fetch({
    method: 'GET',
    url: `/v2/${repo}/blobs/${g.digest}`,
    scopes: [repoScope(repo)],
    doing: g.doing,
  })
  const body = res.body
  try {
    await writeCacheFileWith(storeDir, dest, async (tmp) => {
      const fh = await open(tmp, 'w', 0o644)
      const blob = createHash('sha256')
      let n = 0
      try {
        try {
          // Leaving the loop early cancels the stream (the iterator's return): a runaway body is not read on.
          for await (const chunk of body ?? []) {
            n += chunk.length
            if (n > g.size) break
            const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
            blob.update(b)
            await writeAll(fh, b)
          }
        } catch (e) {
          throw networkError(client.registry, res.url, g.doing, e)
        }
        if (n > g.size) throw tooLarge(client.registry, g.doing, g.size)
      } finally {
        await fh.close()
      }
      const got = `sha256:${blob.digest('hex')}`
      if (got !== g.digest || n !== g.size) throw digestMismatch(g.what, g.digest, g.size, got, n)
      if (g.diffId.startsWith('sha256:')) await checkDiffId(tmp, g)
    })
  } finally {
    // Unread when the write failed before the loop (a cache folder that cannot be written).
    if (body && !body.locked) await body.cancel().catch(() => undefined)
  }
}

async function writeAll(fh: FileHandle, b: Buffer): Promise<void> {
  for (let at = 0; at < b.length;) at += (await fh.write(b, at, b.length - at)).bytesWritten
}

/** The layer's tar must hash to the config's diff_id, or the config lies about the layer. */
async function checkDiffId(file: string, g: LayerGet): Promise<void> {
  const h = createHash('sha256')
  try {
    await pipeline(createReadStream(file), createGunzip(), async (src: AsyncIterable<Buffer>) => {
      for await (const c of src) h.update(c)
    })
  } catch (e) {
    // Its digest matched: the bytes are what the manifest names, and they are not a layer.
    throw new GostaticError(
      ErrorCode.OCI_MALFORMED,
      `${g.what} is not valid gzip (${(e as Error).message}); refusing it, nothing was written`,
    )
  }
  const diffId = `sha256:${h.digest('hex')}`
  if (diffId !== g.diffId)
    throw new GostaticError(
      ErrorCode.DIGEST_MISMATCH,
      `${g.what} unpacks to ${diffId} but the image config says ${g.diffId}; refusing it, nothing was written`,
    )
}
