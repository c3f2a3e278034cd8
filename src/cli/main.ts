// The `gostatic` command: parse, call the public API, print. User mistakes
// print a message and a hint, never a stack trace.
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ErrorCode, isGostaticError, ToolError } from '../errors.js'
import type { ParsedCommand } from './parse-cli.js'
import { guardProcess, internalError, stackOf } from './internal-error.js'
import { VERSION } from '../version.js'
import { useSurface } from '../hints.js'

// Commands load what they need when they run, so `--help` and `plan` start fast.
const services = async (
  dir: string,
  flags: Parameters<typeof import('./services-from-flags.js').servicesFromFlags>[1],
) => (await import('./services-from-flags.js')).servicesFromFlags(dir, flags)
const planCmd = () => import('./commands/plan-command.js')

type Runner<K extends ParsedCommand['kind']> = (c: Extract<ParsedCommand, { kind: K }>) => Promise<number>

const runners: { [K in ParsedCommand['kind']]: Runner<K> } = {
  help: async (c) => (process.stdout.write(c.text), 0),
  version: async () => (process.stdout.write(`gostatic ${VERSION}\n`), 0),
  plan: async (c) => (process.stdout.write((await planCmd()).planCommand(await services(c.dir, c.flags), c.json)), 0),
  dockerfile: async (c) => (
    process.stdout.write((await planCmd()).dockerfileCommand(await services(c.dir, c.flags))),
    0
  ),
  build: async (c) => (await import('./commands/build-command.js')).buildCommand(c.dir, c.flags),
  affected: async (c) => (await import('./commands/affected-command.js')).affectedCommand(c.dir, c.flags),
  inspect: async (c) => (await import('./commands/inspect-command.js')).inspectCommand(c.target, c.flags),
  sbom: async (c) => (await import('./commands/sbom-command.js')).sbomCommand(c.target, c.flags),
  doctor: async (c) => (await import('./commands/doctor-command.js')).doctorCommand(c.dir, c.flags),
  resolve: async (c) => (await import('./commands/resolve-command.js')).resolveCommand(c.flags),
  apply: async (c) => (await import('./commands/resolve-command.js')).applyCommand(c.flags),
  init: async (c) => (await import('./commands/init-command.js')).initCommand(c.dir),
}

/** `kind` is passed apart from the command so the runner's type follows it without a cast. */
function run<K extends ParsedCommand['kind']>(kind: K, c: Extract<ParsedCommand, { kind: K }>): Promise<number> {
  return runners[kind](c)
}

export async function main(argv: readonly string[]): Promise<number> {
  // Messages name flags from here on, not builder calls (hints.ts).
  useSurface('cli')
  const unguard = guardProcess((e) => process.stderr.write(formatError(e)))
  try {
    // `--version` alone needs neither the flag parser nor its schemas (zod): answer before loading them.
    if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v'))
      return await runners.version({ kind: 'version' })
    const cmd = (await import('./parse-cli.js')).parseCLI(argv)
    return await run(cmd.kind, cmd)
  } catch (e) {
    process.stderr.write(formatError(e))
    return (await import('./exit-codes.js')).exitCodeOf(e)
  } finally {
    unguard()
  }
}

export function formatError(e: unknown, env: NodeJS.ProcessEnv = process.env): string {
  if (!isGostaticError(e)) return internalError(e, env)
  let out = `error [${e.code}]: ${e.message}\n`
  if (e instanceof ToolError) {
    out += `  command: ${e.cmd.join(' ')}\n  exit code: ${e.exitCode}\n`
    const tail = e.stderr.trim()
    if (tail && !e.message.includes(tail))
      out +=
        tail
          .split('\n')
          .map((l) => `  | ${l}`)
          .join('\n') + '\n'
  }
  if (e.hint) out += `hint: ${e.hint}\n`
  // A bug caught as one service's outcome: its own stack, as for a crash.
  if (e.code === ErrorCode.INTERNAL && env['GOSTATIC_DEBUG'] === '1') out += `${stackOf(e.cause ?? e)}\n`
  return out
}

// Run when this file is the program itself (`tsx src/cli/main.ts`, `node dist/cli/main.js`);
// bin/gostatic.js imports it and calls main() on its own. No top-level await: a
// module with one can't be require()d.
const entry = process.argv[1]
if (entry !== undefined && realpathOr(entry) === fileURLToPath(import.meta.url))
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code))

function realpathOr(p: string): string {
  try {
    return realpathSync(p)
  } catch {
    return p
  }
}
