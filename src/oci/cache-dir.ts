// Where gostatic keeps content-addressed blobs and layer keys between runs.
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { ErrorCode, GostaticError } from '../errors.js'
import { outputError } from '../util/atomic-write.js'
import { OWNER_TAG, sweepDead } from '../util/build-owner.js'

/**
 * Told when a cache entry fails its check on read and is discarded: the
 * entry's path and what was wrong with it. The caller rebuilds it; engines
 * turn this into a 'cache-damaged' event.
 */
export type CacheDamage = (entry: string, reason: string) => void

export const CACHE_HINT =
  'set GOSTATIC_CACHE_DIR to a writable folder (or pass cacheDir: null to build without a cache)'

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['GOSTATIC_CACHE_DIR']) return env['GOSTATIC_CACHE_DIR']
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'gostatic')
}

/**
 * Creates the cache folder, or says plainly that it cannot be used (read-only,
 * a file in the way); removes the temp files of writers that were killed.
 */
export async function ensureCacheDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true })
    await access(dir, constants.W_OK)
    await sweepDead(join(dir, 'tmp'), 'o')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message
    throw new GostaticError(
      ErrorCode.OUTPUT_NOT_WRITABLE,
      `the cache folder ${dir} cannot be created or written (${code})`,
      {
        hint: CACHE_HINT,
        cause: e,
      },
    )
  }
}

/**
 * Writes a cache entry: temp name and rename, so a reader never sees half a
 * file, but no fsync. Every cache entry is re-hashed before use, so one torn
 * by a crash costs a rebuild, never a wrong image, and a warm build need not
 * wait for tens of MB to reach the disk. Temp files live in <cacheDir>/tmp,
 * named for their writer, so the next build removes a killed writer's.
 */
export async function writeCacheFile(cacheDir: string, path: string, data: Uint8Array): Promise<void> {
  await writeCacheFileWith(cacheDir, path, (tmp) => writeFile(tmp, data))
}

/** The same, for an entry `write` streams into its temp file (and may refuse: nothing is then left). */
export async function writeCacheFileWith(
  cacheDir: string,
  path: string,
  write: (tmp: string) => Promise<void>,
): Promise<void> {
  const tmp = join(cacheDir, 'tmp', `${OWNER_TAG}-${randomBytes(6).toString('hex')}`)
  try {
    await mkdir(dirname(tmp), { recursive: true })
    await mkdir(dirname(path), { recursive: true })
    await write(tmp)
    await rename(tmp, path)
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined)
    // A full disk or a read-only cache folder: OUTPUT_NOT_WRITABLE naming the entry, as for any output.
    throw outputError(path, e, CACHE_HINT)
  }
}
