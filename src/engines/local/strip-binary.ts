// Runs the plan's strip candidates in order, each writing a new file next to
// the binary (`-o`, so nothing is copied first); keeps the result only when
// the loadable segments are unchanged.
import { readFile, rename, rm } from 'node:fs/promises'
import type { StripPlan } from '../../plan/build-plan.js'
import { checkStripKeptLoad } from '../../verify/strip-check.js'
import { runTool, which } from '../../util/run-tool.js'
import type { StepRun } from './step-memo.js'

export type StripOutcome =
  | { kind: 'stripped'; tool: string; before: number; after: number }
  | { kind: 'skipped'; warning: string; tried: string[] }

/** Strips the binary at `path`, whose bytes are `before`, in place. */
export async function stripBinary(
  path: string,
  before: Buffer,
  plan: StripPlan,
  what: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StepRun<StripOutcome>> {
  const tried: string[] = []
  for (const cand of plan.candidates) {
    const exe = which(cand, env)
    if (!exe) continue
    const tmp = `${path}.strip`
    const r = await runTool(exe, [...plan.args, '-o', tmp, path], { env })
    if (r.exitCode !== 0) {
      // GNU strip for the host arch says "Unable to recognise the format" on a foreign ELF: try the next tool.
      tried.push(`${cand}: ${r.stderr.trim().split('\n').at(-1) ?? `exit ${r.exitCode}`}`)
      await rm(tmp, { force: true })
      continue
    }
    const after = await readFile(tmp)
    try {
      checkStripKeptLoad(before, after, cand, what)
    } catch (e) {
      await rm(tmp, { force: true })
      throw e
    }
    await rename(tmp, path)
    return { outcome: { kind: 'stripped', tool: cand, before: before.length, after: after.length }, output: after }
  }
  const warning = `${what}: ${plan.skipWarning}${tried.length ? ` [${tried.join('; ')}]` : ''}`
  const outcome = { kind: 'skipped', warning, tried } as const
  return { outcome, output: before }
}
