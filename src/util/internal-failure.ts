// A bug in gostatic (an error that is no GostaticError) where one part of a
// run hits it: it becomes that part's failure, worded as the CLI words a
// crash (cli/internal-error.ts), so one service's bug does not abort a
// workspace and still asks for a report. The original error is the cause.
import { ErrorCode, GostaticError } from '../errors.js'

export const REPORT_ASK = 'internal error, please report it with the command you ran'
export const STACK_HINT = 'GOSTATIC_DEBUG=1 shows the stack'

/** 'TypeError: message', first line only. */
export function errorLine(e: unknown): string {
  return (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).split('\n')[0]!
}

/** `doing`: what hit it, e.g. 'building api'. */
export function internalFailure(e: unknown, doing: string): GostaticError {
  return new GostaticError(ErrorCode.INTERNAL, `${doing}: ${REPORT_ASK}: ${errorLine(e)}`, {
    hint: STACK_HINT,
    cause: e,
  })
}
