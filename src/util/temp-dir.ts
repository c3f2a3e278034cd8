// Private temp folders for builds and throwaway archives, under TMPDIR. A
// TMPDIR that is read-only or full is the user's to fix, so it is named.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ErrorCode, GostaticError, isGostaticError } from '../errors.js'

const TMPDIR_HINT = 'set TMPDIR to a writable folder with free space'

export async function makeTempDir(prefix: string): Promise<string> {
  try {
    return await mkdtemp(join(tmpdir(), prefix))
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message
    throw new GostaticError(ErrorCode.OUTPUT_NOT_WRITABLE, `cannot create a temp folder in ${tmpdir()} (${why})`, { hint: TMPDIR_HINT, cause: e })
  }
}

/** An output error on a temp file, with the hint pointed at TMPDIR rather than --out. */
export function tempWriteError(e: unknown): unknown {
  if (!isGostaticError(e) || e.code !== ErrorCode.OUTPUT_NOT_WRITABLE) return e
  return new GostaticError(e.code, `${e.message} (a temp file under TMPDIR)`, { hint: TMPDIR_HINT, cause: e })
}
