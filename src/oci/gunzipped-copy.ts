// A gzipped image archive unpacked to a private temp file, streamed, so its
// blobs can be read by offset like a plain archive's without holding the
// archive in memory. The copies live as long as the process (an archive's
// blobs are read after the scan, by whoever holds the OciArchive) and are
// removed when it exits.
import { rmSync } from 'node:fs'
import { createReadStream, createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { ErrorCode, GostaticError, isGostaticError } from '../errors.js'
import { makeTempDir } from '../util/temp-dir.js'
import { INFLATE } from './oci-image-files.js'

const made = new Set<string>()
let hooked = false

export async function gunzippedCopy(path: string): Promise<string> {
  const dir = await makeTempDir('gostatic-archive-')
  made.add(dir)
  if (!hooked) {
    hooked = true
    process.once('exit', () => {
      for (const d of made) rmSync(d, { recursive: true, force: true })
    })
  }
  const out = join(dir, 'archive.tar')
  try {
    await pipeline(createReadStream(path), createGunzip(INFLATE), createWriteStream(out, { mode: 0o600 }))
  } catch (e) {
    if (isGostaticError(e)) throw e
    const code = (e as NodeJS.ErrnoException).code ?? ''
    if (!code.startsWith('Z_'))
      throw new GostaticError(ErrorCode.OUTPUT_NOT_WRITABLE, `cannot unpack ${path} to ${out} (${code || String(e)})`, {
        hint: 'set TMPDIR to a writable folder with room for the unpacked archive',
        cause: e,
      })
    const why = `image archive ${path}: does not decompress (${(e as Error).message})`
    throw new GostaticError(ErrorCode.OCI_MALFORMED, why, {
      cause: e,
    })
  }
  return out
}
