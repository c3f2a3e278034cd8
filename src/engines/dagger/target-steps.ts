// Strip and UPX in the Dagger builder, with the local engine's checks: the
// strip loop records which tool succeeded (or that none did) and the result
// must load like the binary before it; UPX's "can't pack" keeps the binary
// unpacked with a warning unless the plan says the pack is required.
import { mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { ReturnType, type Container, type File } from '@dagger.io/dagger'
import { ErrorCode, ToolError } from '../../errors.js'
import type { StripPlan, UpxPlan } from '../../plan/build-plan.js'
import { parseStripRecord, stripLoop } from '../../render/builder-shell.js'
import { checkStripKeptLoad } from '../../verify/strip-check.js'
import { smokeEnv, UPX_CANT } from '../../plan/upx-policy.js'

/** Writes a Dagger file to `path` on the host and reads it back. */
export async function bytesOf(file: File, path: string): Promise<Buffer> {
  await mkdir(dirname(path), { recursive: true })
  await file.export(path)
  return readFile(path)
}

export type DaggerStrip =
  | { readonly kind: 'stripped'; readonly tool: string; readonly after: Buffer; readonly container: Container }
  | { readonly kind: 'skipped'; readonly warning: string; readonly container: Container }

/** Strips the binary at `out`; `before` is the exported binary from `c`, `hostPath` where the stripped one is exported. */
export async function stripInDagger(c: Container, plan: StripPlan, out: string, before: Buffer, what: string, hostPath: string): Promise<DaggerStrip> {
  const record = `${out}.strip-record`
  const ran = c.withExec(['sh', '-c', stripLoop(plan, out, record)])
  const r = parseStripRecord(await ran.file(record).contents())
  if (r.kind === 'skipped') return { kind: 'skipped', warning: `${what}: ${plan.skipWarning}${r.tried.length ? ` [${r.tried.join('; ')}]` : ''}`, container: c }
  const after = await bytesOf(ran.file(out), hostPath)
  checkStripKeptLoad(before, after, r.tool, what)
  return { kind: 'stripped', tool: r.tool, after, container: ran }
}

type PackPlan = Extract<UpxPlan, { kind: 'pack' }>

export type DaggerUpx = { readonly kind: 'packed'; readonly container: Container } | { readonly kind: 'kept-unpacked'; readonly reason: string; readonly container: Container }

/** Packs `out` in place, then proves the result with `upx -t` and, when the engine can run it, a smoke run under a large environment. */
export async function upxInDagger(c: Container, plan: PackPlan, out: string, what: string, canRun: boolean): Promise<DaggerUpx> {
  const packedPath = `${out}.upx`
  const packCmd = ['upx', ...plan.args, '-o', packedPath, out]
  const packed = await run(c, packCmd)
  if (packed.exitCode !== 0) {
    const cant = UPX_CANT.exec(packed.stderr + packed.stdout)
    if (cant && !plan.required) return { kind: 'kept-unpacked', reason: `upx can't pack ${what}: ${cant[0].trim()}`, container: c }
    throw new ToolError(ErrorCode.UPX_FAILED, `upx failed on ${what}${cant ? ` (${cant[1]}; upx({ required: true }) makes this fatal)` : ''}`, packed)
  }
  const tested = await run(packed.container, ['upx', ...plan.testArgs, packedPath])
  if (tested.exitCode !== 0) throw new ToolError(ErrorCode.UPX_FAILED, `upx -t rejects the packed ${what}; kept nothing`, tested)
  let last = tested.container
  if (plan.smoke !== false && canRun) {
    let env = last
    for (const [k, v] of smokeEnv(plan.smokeEnvSize)) env = env.withEnvVariable(k, v)
    const smoke = await run(env, [packedPath, ...plan.smoke])
    if (smoke.exitCode !== 0)
      throw new ToolError(
        ErrorCode.UPX_FAILED,
        `the UPX-packed ${what} fails its smoke run (${plan.smoke.join(' ') || 'no args'}) with ${plan.smokeEnvSize} environment variables; the unpacked binary was not replaced`,
        smoke,
        { hint: "fix the smoke args with .smoke([...]), or drop upx(); .smoke(false) skips the run if the binary can't run bare" },
      )
    // The smoke variables stay out of the builder the binary is taken from.
  }
  return { kind: 'packed', container: last.withExec(['mv', packedPath, out]) }
}

/** Runs `cmd` whatever its exit code, so the caller decides what a failure means. */
async function run(c: Container, cmd: string[]): Promise<{ container: Container; cmd: string[]; exitCode: number; stdout: string; stderr: string }> {
  const ran = c.withExec(cmd, { expect: ReturnType.Any })
  const [exitCode, stdout, stderr] = await Promise.all([ran.exitCode(), ran.stdout(), ran.stderr()])
  return { container: ran, cmd, exitCode, stdout, stderr }
}
