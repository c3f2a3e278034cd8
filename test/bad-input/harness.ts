// The bad-input corpus harness. A case is one mistake a user makes; running
// it checks all that the user relies on: a GostaticError with a stable code,
// a message that names the field, flag, file or package and what is allowed,
// no stack trace, nothing at the output path and no temp entries left over.
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect } from 'vitest'
import { formatError } from '../../src/cli/main.js'
import { ErrorCode, isGostaticError } from '../../src/errors.js'
import { runCli as runBuiltCli, type CliRun } from '../support/cli.js'

export interface Expected {
  /** The stable code scripts match on. */
  readonly code: ErrorCode
  /** What the message must name: the field, flag, file or package. */
  readonly names: string | RegExp
  /** What the message must say is allowed (or what to do instead). */
  readonly allowed: string | RegExp
}

/** A fresh folder per case: the output path, a private TMPDIR and an empty working folder. */
export interface CaseDirs {
  readonly root: string
  /** Where the case writes its output; must not exist afterwards. */
  readonly out: string
  readonly tmp: string
  readonly cwd: string
}

export function caseDirs(base: string, name: string): CaseDirs {
  const root = mkdtempSync(join(base, `${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-`))
  const dirs = { root, out: join(root, 'out', 'image.tar'), tmp: join(root, 'tmp'), cwd: join(root, 'cwd') }
  mkdirSync(dirs.tmp)
  mkdirSync(dirs.cwd)
  return dirs
}

/** A folder for all of a test file's cases, removed by the caller. */
export function corpusRoot(what: string): string {
  return mkdtempSync(join(tmpdir(), `gostatic-bad-input-${what}-`))
}

const STACK_LINE = /^\s*at .+(:\d+:\d+\)?|\(native\))$/m

/** Asserts the printed form of an error carries no stack trace and no Node crash dump. */
export function expectNoStack(text: string): void {
  expect(text).not.toMatch(STACK_LINE)
  expect(text).not.toContain('node:internal')
  expect(text).not.toContain('internal error')
  expect(text).not.toMatch(/^\s*\^\s*$/m) // Node's caret under the crashing line
}

/** Nothing at the output path, no temp entries beside it, and TMPDIR as empty as it began. */
export function expectNothingLeft(d: CaseDirs): void {
  expect(existsSync(d.out), `${d.out} was written`).toBe(false)
  const outDir = resolve(d.out, '..')
  if (existsSync(outDir)) expect(readdirSync(outDir), `left in ${outDir}`).toEqual([])
  expect(readdirSync(d.tmp), `left in TMPDIR ${d.tmp}`).toEqual([])
  expect(readdirSync(d.cwd), `left in the working folder ${d.cwd}`).toEqual([])
}

function expectMessage(message: string, want: Expected): void {
  const check = (m: string | RegExp) => (typeof m === 'string' ? expect(message).toContain(m) : expect(message).toMatch(m))
  check(want.names)
  check(want.allowed)
}

/** Runs an SDK call that must reject (or throw) with the expected GostaticError. */
export async function expectSdkError(run: () => unknown, want: Expected): Promise<string> {
  let caught: unknown
  try {
    await run()
  } catch (e) {
    caught = e
  }
  if (caught === undefined) throw new Error('expected a GostaticError, but the call succeeded')
  expect(isGostaticError(caught), `not a GostaticError: ${String(caught)}`).toBe(true)
  const e = caught as { code: string; message: string; hint?: string }
  expect(e.code).toBe(want.code)
  const printed = formatError(caught)
  expectMessage(`${e.message}\n${e.hint ?? ''}`, want)
  expectNoStack(printed)
  return printed
}

export type { CliRun }

/** The real CLI, as a user runs it, with the case's TMPDIR and working folder. */
export function runCli(args: readonly string[], d: CaseDirs, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runBuiltCli(args, { cwd: d.cwd, env: { ...process.env, TMPDIR: d.tmp, ...env } })
}

/** Asserts a CLI run failed with the expected error, printed without a stack: exit 2 for a usage error, else 1. */
export function expectCliError(r: CliRun, want: Expected): void {
  const all = `${r.stdout}\n${r.stderr}`
  expect(r.code, all).toBe(want.code === ErrorCode.USAGE ? 2 : 1)
  expect(r.stderr, all).toContain(`error [${want.code}]`)
  expectMessage(r.stderr, want)
  expectNoStack(all)
}

/** Runs `fn` with TMPDIR (which os.tmpdir() reads on every call) pointing at `dir`, then restores it. */
export async function withTmpdir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.TMPDIR
  process.env.TMPDIR = dir
  try {
    return await fn()
  } finally {
    // Assigning undefined would store the string 'undefined'.
    if (saved === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = saved
  }
}
