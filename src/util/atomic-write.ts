// Outputs are written to a temp name in the same folder and renamed into
// place only when complete, so a crash never leaves half a file. The temp
// name carries its maker's owner tag: the next write to the same output
// removes what a killed process left beside it.
import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { ErrorCode, GostaticError, isGostaticError } from '../errors.js'
import { markOutFolder } from './out-folder.js'
import { OWNER_TAG, sweepDead } from './build-owner.js'

/** The path an output goes to, refusing what is not one (undefined, '', a number) before anything runs. */
export function requireOutputPath(path: unknown, what: string, example = 'gostatic-out/hello.tar'): string {
  if (typeof path !== 'string' || path.trim() === '')
    throw new GostaticError(
      ErrorCode.INVALID_CONFIG,
      `${what} needs the path of the file to write, like ` +
        `'${example}'; got ${path === '' ? 'an empty string' : String(path)}`,
    )
  return resolve(path)
}

export async function writeFileAtomic(path: string, data: Uint8Array, mode = 0o644): Promise<string> {
  const full = requireOutputPath(path, 'writing a file', 'gostatic-out/hello')
  await writeAtomic(full, async (tmp) => writeFile(tmp, data, { mode, flush: true }))
  return full
}

/**
 * Runs `write(tmp)` for a temp file beside `path`, then renames it into place; file-system failures name the output.
 */
export async function writeAtomic(path: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const prefix = `.${basename(path)}.tmp-`
  const tmp = join(dirname(path), `${prefix}${OWNER_TAG}-${randomBytes(6).toString('hex')}`)
  try {
    await mkdir(dirname(path), { recursive: true })
    await sweepDead(dirname(path), prefix)
    await markOutFolder(path)
    await write(tmp)
    await rename(tmp, path)
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined)
    throw outputError(path, e)
  }
}

/** A file-system error on an output path, as an error that names the path and what to do. */
export function outputError(
  path: string,
  e: unknown,
  hint = 'choose another output path (--out), or fix the folder',
): unknown {
  if (isGostaticError(e)) return e
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return e
  const why: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOTDIR: 'a parent of it is a file, not a folder',
    EEXIST: 'a parent of it is a file, not a folder',
    EISDIR: 'it is a folder',
    ENOSPC: 'no space left on the device',
    EROFS: 'the file system is read-only',
  }
  return new GostaticError(
    ErrorCode.OUTPUT_NOT_WRITABLE,
    `cannot write ${path}: ${why[code] ?? (e as Error).message}`,
    { hint, cause: e },
  )
}
