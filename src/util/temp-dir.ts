// Private temp folders for builds and throwaway archives, under TMPDIR. A
// TMPDIR that is read-only or full is the user's to fix, so it is named.
// Each name carries its maker's owner tag; the first one a process makes
// sweeps the folders of gostatic processes that are gone (a killed build's
// work folder and the .netrc in it).
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ErrorCode, GostaticError, isGostaticError } from '../errors.js'
import { OWNER_TAG, sweepDead } from './build-owner.js'

const TMPDIR_HINT = 'set TMPDIR to a writable folder with free space'

let swept: Promise<unknown> | undefined

/** Removes what killed gostatic processes left in TMPDIR; once per process (later calls share the first sweep). */
export function sweepTempDirs(): Promise<unknown> {
  return (swept ??= sweepDead(tmpdir(), 'gostatic-'))
}

export async function makeTempDir(prefix: string): Promise<string> {
  await sweepTempDirs()
  try {
    return await mkdtemp(join(tmpdir(), `${prefix}${OWNER_TAG}-`))
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message
    throw new GostaticError(ErrorCode.OUTPUT_NOT_WRITABLE, `cannot create a temp folder in ${tmpdir()} (${why})`, {
      hint: TMPDIR_HINT,
      cause: e,
    })
  }
}

/** An output error on a temp file, with the hint pointed at TMPDIR rather than --out. */
export function tempWriteError(e: unknown): unknown {
  if (!isGostaticError(e) || e.code !== ErrorCode.OUTPUT_NOT_WRITABLE) return e
  return new GostaticError(e.code, `${e.message} (a temp file under TMPDIR)`, { hint: TMPDIR_HINT, cause: e })
}
