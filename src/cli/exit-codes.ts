// The CLI's exit codes, so CI can tell "you typed it wrong" from "the build
// or the check failed". One table: main.ts exits by it, --help prints it.
import { ErrorCode, isGostaticError } from '../errors.js'

export const EXIT = {
  /** Built, verified, written; or a report whose verdicts pass. */
  OK: 0,
  /** A build, an export or a verification failed, or (with --strict) a verdict did. */
  FAILED: 1,
  /** The command line is wrong (unknown flag or command, bad flag value): found before anything is built. */
  USAGE: 2,
} as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

export const EXIT_CODES_HELP = [
  '  0  success (and with inspect --strict or doctor, every verdict passes)',
  '  1  a build, export or verification failed; doctor found a blocker (with --strict, a warning too);',
  '     inspect --strict found a failing verdict (dynamic linkage, an unmet need, a cgo stub)',
  '  2  usage error: an unknown command or flag, or a bad flag value (nothing was built)',
].join('\n')

/** The exit code an error ends the CLI with. */
export function exitCodeOf(e: unknown): ExitCode {
  return isGostaticError(e) && e.code === ErrorCode.USAGE ? EXIT.USAGE : EXIT.FAILED
}
