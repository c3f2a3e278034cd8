// Runs a plan on the chosen engine. 'auto' picks Dagger when an engine is
// reachable and local otherwise, and says which it picked.
import { ErrorCode, GostaticError } from '../errors.js'
import type { BuildPlan } from '../plan/build-plan.js'
import type { BuildResult } from './build-result.js'
import { noEvents } from './events.js'
import { buildLocal, type LocalEngineOptions } from './local/local-engine.js'

export type EngineChoice = 'local' | 'dagger' | 'auto'

export interface BuildOptions extends LocalEngineOptions {
  engine?: EngineChoice
}

/** Why Dagger is or isn't reachable from this process, without starting anything. */
export function daggerReachable(env: NodeJS.ProcessEnv = process.env): { ok: boolean; why: string } {
  if (env['DAGGER_SESSION_PORT'] && env['DAGGER_SESSION_TOKEN']) return { ok: true, why: 'a Dagger session is open (DAGGER_SESSION_PORT)' }
  if (env['_EXPERIMENTAL_DAGGER_RUNNER_HOST']) return { ok: true, why: `a Dagger engine is configured (${env['_EXPERIMENTAL_DAGGER_RUNNER_HOST']})` }
  return { ok: false, why: 'no Dagger session or engine is configured' }
}

export async function buildPlan(plan: BuildPlan, opts: BuildOptions = {}): Promise<BuildResult> {
  const emit = opts.onEvent ?? noEvents
  const choice = opts.engine ?? 'local'
  if (choice === 'auto') {
    const d = daggerReachable(opts.env)
    emit({ kind: 'info', service: plan.service, message: `engine auto: using ${d.ok ? 'dagger' : 'local'} (${d.why})` })
    if (!d.ok) return buildLocal(plan, opts)
    return buildDagger(plan)
  }
  return choice === 'local' ? buildLocal(plan, opts) : buildDagger(plan)
}

async function buildDagger(plan: BuildPlan): Promise<BuildResult> {
  throw new GostaticError(ErrorCode.ENGINE_UNAVAILABLE, `the Dagger engine cannot build ${plan.service} yet in this version of gostatic`, { hint: "use engine: 'local'" })
}
