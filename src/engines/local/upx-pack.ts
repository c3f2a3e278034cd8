// Packs with UPX where the plan's verdict allows it, then proves the packed
// binary still works: `upx -t`, and a smoke run under a large environment.
import { copyFile, readFile, rm, stat } from 'node:fs/promises'
import { ErrorCode, ToolError } from '../../errors.js'
import type { UpxPlan } from '../../plan/build-plan.js'
import { runTool, type ToolRun } from '../../util/run-tool.js'
import { smokeEnv, smokeFailure, UPX_CANT } from '../../plan/upx-policy.js'
import type { StartupCost } from '../engine-output.js'
import { hint } from '../../hints.js'

export type UpxOutcome =
  | { kind: 'packed'; before: number; after: number; startup: StartupCost | null }
  | { kind: 'kept-unpacked'; reason: string }

/**
 * `runner` is how this machine runs the target's binary: [] directly, [emulator] through the plan's
 * user-mode emulator, null not at all (then there is no smoke run).
 */
export async function upxPack(
  path: string,
  plan: Extract<UpxPlan, { kind: 'pack' }>,
  what: string,
  runner: readonly string[] | null,
  toolEnv: NodeJS.ProcessEnv = process.env,
): Promise<UpxOutcome> {
  const before = (await stat(path)).size
  const packed = `${path}.upx`
  await rm(packed, { force: true })
  const r = await runTool('upx', [...plan.args, '-o', packed, path], { env: toolEnv })
  if (r.exitCode !== 0) {
    await rm(packed, { force: true })
    const cant = UPX_CANT.exec(r.stderr + r.stdout)
    if (cant && !plan.required) return { kind: 'kept-unpacked', reason: `upx can't pack ${what}: ${cant[0].trim()}` }
    throw new ToolError(
      ErrorCode.UPX_FAILED,
      `upx failed on ${what}${cant ? ` (${cant[1]}; ${hint('upx-required')} makes this fatal)` : ''}`,
      r,
    )
  }
  const t = await runTool('upx', [...plan.testArgs, packed], { env: toolEnv })
  if (t.exitCode !== 0) {
    await rm(packed, { force: true })
    throw new ToolError(ErrorCode.UPX_FAILED, `upx -t rejects the packed ${what}; kept nothing`, t)
  }
  let startup: StartupCost | null = null
  if (plan.smoke !== false && runner !== null) {
    const env = largeEnv(plan.smokeEnvSize)
    const s = await run(runner, packed, plan.smoke, env)
    if (s.exitCode !== 0) {
      await rm(packed, { force: true })
      const f = smokeFailure(what, plan.smoke, plan.smokeEnvSize, s.signal)
      throw new ToolError(ErrorCode.UPX_FAILED, f.message, s, { hint: f.hint })
    }
    startup = await startupCost(runner, path, packed, plan.smoke)
  }
  await copyFile(packed, path)
  await rm(packed, { force: true })
  return { kind: 'packed', before, after: (await readFile(path)).length, startup }
}

function largeEnv(n: number): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...Object.fromEntries(smokeEnv(n)) }
}

const STARTUP_RUNS = 7

function run(
  runner: readonly string[],
  exe: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<ToolRun> {
  const [cmd, ...pre] = runner.length > 0 ? [...runner, exe] : [exe]
  return runTool(cmd!, [...pre, ...args], { ...(env ? { env } : {}), timeoutMs: 20_000 })
}

/**
 * Median wall time of the smoke command, unpacked vs packed (under the same runner): what packing costs at every start.
 */
async function startupCost(
  runner: readonly string[],
  unpacked: string,
  packed: string,
  args: readonly string[],
): Promise<StartupCost> {
  const median = async (exe: string) => {
    const times: number[] = []
    for (let i = 0; i < STARTUP_RUNS; i++) {
      const t0 = performance.now()
      const r: ToolRun = await run(runner, exe, args)
      if (r.exitCode !== 0)
        throw new ToolError(ErrorCode.UPX_FAILED, `${exe} ${args.join(' ')} failed while measuring start-up`, r)
      times.push(performance.now() - t0)
    }
    times.sort((a, b) => a - b)
    return Math.round(times[Math.floor(times.length / 2)]! * 10) / 10
  }
  return { runs: STARTUP_RUNS, unpackedMs: await median(unpacked), packedMs: await median(packed) }
}
