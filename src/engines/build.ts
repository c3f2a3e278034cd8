// Runs a plan on the chosen engine. 'auto' picks Dagger when an engine is
// reachable and local otherwise, and says which it picked. What comes back
// is the engine's output; image/ makes the BuildResult around it.
import { statSync } from 'node:fs'
import { ErrorCode, GostaticError } from '../errors.js'
import type { BuildPlan } from '../plan/build-plan.js'
import type { EngineOutput } from './engine-output.js'
import { noEvents } from './events.js'
import { checkHostPaths } from './host-paths.js'
import { DAGGER_SDK, daggerSdkInstalled, loadDaggerEngine } from './dagger/dagger-sdk.js'
import { tcpRunnerProblem } from './tcp-runner-probe.js'
// The local engine loads when a build runs, so `import 'gostatic'` stays quick.
import type { LocalEngineOptions } from './local/local-engine.js'
// The Dagger SDK is large (gRPC, OpenTelemetry): loadDaggerEngine loads it only when that engine runs.
import type { DaggerBuildOptions } from './dagger/dagger-options.js'
import { hint } from '../hints.js'

export type { LocalEngineOptions }

export type EngineChoice = 'local' | 'dagger' | 'auto'

export interface EngineOptions extends LocalEngineOptions, DaggerBuildOptions {
  engine?: EngineChoice
}

/** Why Dagger is or isn't reachable from this process, without starting anything. */
export function daggerReachable(env: NodeJS.ProcessEnv = process.env): { ok: boolean; why: string } {
  if (env['DAGGER_SESSION_PORT'] && env['DAGGER_SESSION_TOKEN'])
    return { ok: true, why: 'a Dagger session is open (DAGGER_SESSION_PORT)' }
  const host = env['_EXPERIMENTAL_DAGGER_RUNNER_HOST']
  if (!host) return { ok: false, why: 'no Dagger session or engine is configured' }
  // The SDK retries a missing socket for minutes before it gives up; a stat says it at once.
  const missing = host.startsWith('unix://') ? socketProblem(host.slice('unix://'.length)) : null
  if (missing)
    return { ok: false, why: `_EXPERIMENTAL_DAGGER_RUNNER_HOST=${host}: the Dagger engine socket ${missing}` }
  return { ok: true, why: `a Dagger engine is configured (${host})` }
}

/** Why `path` is no socket to connect to, or null when it is one. */
function socketProblem(path: string): string | null {
  try {
    return statSync(path).isSocket() ? null : `${path} is not a socket`
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return code === 'ENOENT' || code === 'ENOTDIR'
      ? `${path} does not exist`
      : `${path} cannot be read (${code ?? String(e)})`
  }
}

/** The engine a choice means here and now; `auto` comes with the message that says which it picked and why. */
export function decideEngine(
  choice: EngineChoice = 'local',
  env?: NodeJS.ProcessEnv,
): { engine: 'local' | 'dagger'; message?: string } {
  if (choice !== 'auto') return { engine: choice }
  if (!daggerSdkInstalled())
    return { engine: 'local', message: `engine auto: using local (the Dagger SDK, ${DAGGER_SDK}, is not installed)` }
  const d = daggerReachable(env)
  const engine = d.ok ? 'dagger' : 'local'
  return { engine, message: `engine auto: using ${engine} (${d.why})` }
}

/** Runs the plan on the engine `opts.engine` names, after saying which one 'auto' picked. */
export async function runEngine(plan: BuildPlan, opts: EngineOptions = {}): Promise<EngineOutput> {
  const { engine, message } = decideEngine(opts.engine, opts.env)
  if (message) (opts.onEvent ?? noEvents)({ kind: 'info', service: plan.service, message })
  // A link out of the source is refused before anything is compiled (a Dagger source Directory has no host paths).
  if (engine === 'local' || opts.source === undefined) checkHostPaths(plan)
  if (engine === 'local') return (await import('./local/local-engine.js')).buildLocal(plan, opts)
  const { buildDagger } = await loadDaggerEngine()
  if (opts.dag === undefined && !daggerReachable(opts.env).ok)
    throw new GostaticError(ErrorCode.ENGINE_UNAVAILABLE, `engine 'dagger': ${daggerReachable(opts.env).why}`, {
      hint: hint('dagger-unavailable'),
    })
  const unanswered = opts.dag === undefined ? await tcpRunnerProblem(opts.env ?? process.env) : null
  if (unanswered !== null)
    throw new GostaticError(ErrorCode.ENGINE_UNAVAILABLE, `engine 'dagger': ${unanswered}`, {
      hint: 'start the engine, or check the address, the route to it and any firewall between; or use engine local',
    })
  return buildDagger(plan, opts)
}
