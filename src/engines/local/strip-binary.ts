// Runs the plan's strip candidates in order on a copy; keeps the result only
// when the loadable segments are unchanged.
import { copyFile, readFile, rename, rm } from 'node:fs/promises'
import type { StripPlan } from '../../plan/build-plan.js'
import { checkStripKeptLoad } from '../../verify/strip-check.js'
import { runTool, which } from '../../util/run-tool.js'

export type StripOutcome = { kind: 'stripped'; tool: string; before: number; after: number } | { kind: 'skipped'; warning: string; tried: string[] }

export async function stripBinary(path: string, plan: StripPlan, what: string, env: NodeJS.ProcessEnv = process.env): Promise<StripOutcome> {
  const before = await readFile(path)
  const tried: string[] = []
  for (const cand of plan.candidates) {
    const exe = which(cand, env)
    if (!exe) continue
    const tmp = `${path}.strip`
    await copyFile(path, tmp)
    const r = await runTool(exe, [...plan.args, tmp], { env })
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
    return { kind: 'stripped', tool: cand, before: before.length, after: after.length }
  }
  return { kind: 'skipped', warning: `${what}: ${plan.skipWarning}${tried.length ? ` [${tried.join('; ')}]` : ''}`, tried }
}
