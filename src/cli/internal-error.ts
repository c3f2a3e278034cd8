// What the CLI prints for an error that is not a user mistake: one line that
// asks for a report, and the stack only when GOSTATIC_DEBUG=1 asks for it.
import { errorLine, REPORT_ASK, STACK_HINT } from '../util/internal-failure.js'

export function internalError(e: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const line = `gostatic: ${REPORT_ASK}: ${errorLine(e)}`
  if (env['GOSTATIC_DEBUG'] === '1') return `${line}\n${stackOf(e)}\n`
  return `${line} (${STACK_HINT})\n`
}

export function stackOf(e: unknown): string {
  return e instanceof Error && e.stack ? e.stack : String(e)
}

/**
 * While the CLI runs, an error that escapes every await (an 'error' event
 * nobody listens to) is printed like any other instead of as Node's crash
 * dump, and the process exits 1. Returns the function that removes the guard.
 * Only 'uncaughtException' is taken: Node raises an unhandled rejection as
 * one when no 'unhandledRejection' listener exists, and a listener that does
 * exist (the Dagger session's, for the SDK's stray rejection) keeps its say.
 */
export function guardProcess(print: (e: unknown) => void): () => void {
  const crash = (e: unknown) => {
    print(e)
    process.exit(1)
  }
  process.on('uncaughtException', crash)
  return () => void process.off('uncaughtException', crash)
}
