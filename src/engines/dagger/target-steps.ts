// Strip and UPX in the Dagger builder, with the local engine's checks: the
// strip loop records which tool succeeded (or that none did) and the result
// must load like the binary before it; UPX's "can't pack" keeps the binary
// unpacked with a warning unless the plan says the pack is required.
import { mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { ExecError, ReturnType, type Container, type File } from '@dagger.io/dagger'
import { ErrorCode, ToolError } from '../../errors.js'
import type { StripPlan, UpxPlan } from '../../plan/build-plan.js'
import { parseStripRecord, stripLoop } from '../../render/builder-shell.js'
import { checkStripKeptLoad } from '../../verify/strip-check.js'
import { smokeEnv, smokeFailure, UPX_CANT } from '../../plan/upx-policy.js'
import { hint } from '../../hints.js'

/** Writes a Dagger file to `path` on the host and reads it back. */
export async function bytesOf(file: File, path: string): Promise<Buffer> {
  await mkdir(dirname(path), { recursive: true })
  await file.export(path)
  return readFile(path)
}

export type DaggerStrip =
  | { readonly kind: 'stripped'; readonly tool: string; readonly after: Buffer; readonly container: Container }
  | { readonly kind: 'skipped'; readonly warning: string; readonly container: Container }

/**
 * Strips the binary at `out`; `before` is the exported binary from `c`, `hostPath` where the stripped one is exported.
 */
export async function stripInDagger(
  c: Container,
  plan: StripPlan,
  out: string,
  before: Buffer,
  what: string,
  hostPath: string,
): Promise<DaggerStrip> {
  const record = `${out}.strip-record`
  const ran = c.withExec(['sh', '-c', stripLoop(plan, out, record)])
  const r = parseStripRecord(await ran.file(record).contents())
  if (r.kind === 'skipped')
    return {
      kind: 'skipped',
      warning: `${what}: ${plan.skipWarning}${r.tried.length ? ` [${r.tried.join('; ')}]` : ''}`,
      container: c,
    }
  const after = await bytesOf(ran.file(out), hostPath)
  checkStripKeptLoad(before, after, r.tool, what)
  return { kind: 'stripped', tool: r.tool, after, container: ran }
}

type PackPlan = Extract<UpxPlan, { kind: 'pack' }>

export type DaggerUpx =
  | { readonly kind: 'packed'; readonly container: Container }
  | { readonly kind: 'kept-unpacked'; readonly reason: string; readonly container: Container }

/**
 * How the builder runs the packed binary for its smoke run: natively, through
 * an emulator binary taken from the host (qemu-user-static is static, so it
 * runs in any builder), or not at all (null).
 */
export type DaggerRunner =
  { readonly kind: 'native' } | { readonly kind: 'emulated'; readonly name: string; readonly file: File } | null

/**
 * Packs `out` in place, then proves the result with `upx -t` and, when the builder can run it, a smoke run under a
 * large environment.
 */
export async function upxInDagger(
  c: Container,
  plan: PackPlan,
  out: string,
  what: string,
  runner: DaggerRunner,
): Promise<DaggerUpx> {
  const packedPath = `${out}.upx`
  const packCmd = ['upx', ...plan.args, '-o', packedPath, out]
  const packed = await run(c, packCmd)
  if (packed.exitCode !== 0) {
    const cant = UPX_CANT.exec(packed.stderr + packed.stdout)
    if (cant && !plan.required)
      return { kind: 'kept-unpacked', reason: `upx can't pack ${what}: ${cant[0].trim()}`, container: c }
    throw new ToolError(
      ErrorCode.UPX_FAILED,
      `upx failed on ${what}${cant ? ` (${cant[1]}; ${hint('upx-required')} makes this fatal)` : ''}`,
      packed,
    )
  }
  const tested = await run(packed.container, ['upx', ...plan.testArgs, packedPath])
  if (tested.exitCode !== 0)
    throw new ToolError(ErrorCode.UPX_FAILED, `upx -t rejects the packed ${what}; kept nothing`, tested)
  let last = tested.container
  if (plan.smoke !== false && runner !== null) {
    // The emulator goes into the smoke run's container only, never into the builder the binary is taken from.
    const emulator = runner.kind === 'emulated' ? `/usr/local/bin/${runner.name}` : null
    let env = last
    if (runner.kind === 'emulated')
      env = env.withFile(`/usr/local/bin/${runner.name}`, runner.file, { permissions: 0o755 })
    for (const [k, v] of smokeEnv(plan.smokeEnvSize)) env = env.withEnvVariable(k, v)
    const smoke = await run(env, [...(emulator === null ? [] : [emulator]), packedPath, ...plan.smoke])
    if (smoke.exitCode !== 0) {
      const f = smokeFailure(what, plan.smoke, plan.smokeEnvSize, signalOf(smoke.exitCode))
      throw new ToolError(ErrorCode.UPX_FAILED, f.message, smoke, { hint: f.hint })
    }
    // The smoke variables stay out of the builder the binary is taken from.
  }
  return { kind: 'packed', container: last.withExec(['mv', packedPath, out]) }
}

/** Runs `cmd` whatever its exit code, so the caller decides what a failure means. */
async function run(
  c: Container,
  cmd: string[],
): Promise<{ container: Container; cmd: string[]; exitCode: number; stdout: string; stderr: string }> {
  const ran = c.withExec(cmd, { expect: ReturnType.Any })
  try {
    const [exitCode, stdout, stderr] = await Promise.all([ran.exitCode(), ran.stdout(), ran.stderr()])
    return { container: ran, cmd, exitCode, stdout, stderr }
  } catch (e) {
    // A process killed by a signal (a crash under qemu) is an exec error even with ReturnType.Any: it is a failed run.
    if (!(e instanceof ExecError)) throw e
    return { container: ran, cmd, exitCode: e.exitCode === 0 ? -1 : e.exitCode, stdout: e.stdout, stderr: e.stderr }
  }
}

// Linux's numbers: the builder runs on a Linux engine whatever the client's OS.
const LINUX_SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  5: 'SIGTRAP',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
}

// The builder reports a process killed by signal n as exit status 128 + n, as a shell does.
function signalOf(exitCode: number): string | null {
  return exitCode > 128 ? (LINUX_SIGNALS[exitCode - 128] ?? null) : null
}
