// Where gostatic keeps content-addressed blobs and layer keys between runs.
import { constants } from 'node:fs'
import { access, mkdir } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { ErrorCode, GostaticError } from '../errors.js'

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['GOSTATIC_CACHE_DIR']) return env['GOSTATIC_CACHE_DIR']
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'gostatic')
}

/** Creates the cache folder, or says plainly that it cannot be used (read-only, a file in the way). */
export async function ensureCacheDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true })
    await access(dir, constants.W_OK)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message
    throw new GostaticError(ErrorCode.OUTPUT_NOT_WRITABLE, `the cache folder ${dir} cannot be created or written (${code})`, {
      hint: 'set GOSTATIC_CACHE_DIR to a writable folder (or pass cacheDir: null to build without a cache)',
      cause: e,
    })
  }
}
