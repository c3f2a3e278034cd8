// Runs a plan on the chosen engine. 'auto' picks Dagger when an engine is
// reachable and local otherwise, and says which it picked.
import { statSync } from 'node:fs'
import { ErrorCode, GostaticError } from '../errors.js'
import type { BuildPlan } from '../plan/build-plan.js'
import type { BuildResult } from './build-result.js'
import { noEvents } from './events.js'
import { DAGGER_SDK, daggerSdkInstalled, loadDaggerEngine } from './dagger-sdk.js'
// The local engine loads when a build runs, so `import 'gostatic'` stays quick.
import type { LocalEngineOptions } from './local/local-engine.js'
import type { ServiceSpec } from '../spec/service-spec.js'
import { attestContext, type EngineRunOptions } from './attest-context.js'
import type { SignOptions } from './sign-key.js'

export type { LocalEngineOptions }
// The Dagger SDK is large (gRPC, OpenTelemetry): load it only when the Dagger engine runs.
import type { DaggerEngineOptions } from './dagger/dagger-engine.js'
import type { DaggerBuildOptions } from './dagger-options.js'

export type EngineChoice = 'local' | 'dagger' | 'auto'

export interface BuildOptions extends Omit<LocalEngineOptions, keyof EngineRunOptions>, DaggerBuildOptions {
  engine?: EngineChoice
  /** Sign the image, its SBOMs and provenance on export (attach) and publish. The key is read when the build starts. */
  sign?: SignOptions
}

/** Why Dagger is or isn't reachable from this process, without starting anything. */
export function daggerReachable(env: NodeJS.ProcessEnv = process.env): { ok: boolean; why: string } {
  if (env['DAGGER_SESSION_PORT'] && env['DAGGER_SESSION_TOKEN']) return { ok: true, why: 'a Dagger session is open (DAGGER_SESSION_PORT)' }
  const host = env['_EXPERIMENTAL_DAGGER_RUNNER_HOST']
  if (!host) return { ok: false, why: 'no Dagger session or engine is configured' }
  // The SDK retries a missing socket for minutes before it gives up; a stat says it at once.
  const missing = host.startsWith('unix://') ? socketProblem(host.slice('unix://'.length)) : null
  if (missing) return { ok: false, why: `_EXPERIMENTAL_DAGGER_RUNNER_HOST=${host}: the Dagger engine socket ${missing}` }
  return { ok: true, why: `a Dagger engine is configured (${host})` }
}

/** Why `path` is no socket to connect to, or null when it is one. */
function socketProblem(path: string): string | null {
  try {
    return statSync(path).isSocket() ? null : `${path} is not a socket`
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return code === 'ENOENT' || code === 'ENOTDIR' ? `${path} does not exist` : `${path} cannot be read (${code ?? String(e)})`
  }
}

/** The engine a choice means here and now; `auto` comes with the message that says which it picked and why. */
export function decideEngine(choice: EngineChoice = 'local', env?: NodeJS.ProcessEnv): { engine: 'local' | 'dagger'; message?: string } {
  if (choice !== 'auto') return { engine: choice }
  if (!daggerSdkInstalled())
    return { engine: 'local', message: `engine auto: using local (the Dagger SDK, ${DAGGER_SDK}, is not installed)` }
  const d = daggerReachable(env)
  const engine = d.ok ? 'dagger' : 'local'
  return { engine, message: `engine auto: using ${engine} (${d.why})` }
}

/** `spec` (what GoService.build passes) becomes the provenance's externalParameters. */
export async function buildPlan(plan: BuildPlan, opts: BuildOptions = {}, spec?: ServiceSpec): Promise<BuildResult> {
  const emit = opts.onEvent ?? noEvents
  const { engine, message } = decideEngine(opts.engine, opts.env)
  if (message) emit({ kind: 'info', service: plan.service, message })
  const { sign, ...rest } = opts
  const run = { ...rest, attest: await attestContext(plan.source.dir, spec ?? null, sign, opts.env ?? process.env) }
  return engine === 'local' ? (await import('./local/local-engine.js')).buildLocal(plan, run) : dagger(plan, run)
}

async function dagger(plan: BuildPlan, opts: Omit<BuildOptions, 'sign'> & EngineRunOptions): Promise<BuildResult> {
  const { buildDagger } = await loadDaggerEngine()
  if (opts.dag === undefined && !daggerReachable(opts.env).ok)
    throw new GostaticError(ErrorCode.ENGINE_UNAVAILABLE, `engine 'dagger': ${daggerReachable(opts.env).why}`, { hint: "start an engine and export _EXPERIMENTAL_DAGGER_RUNNER_HOST (scripts/dagger-engine.sh up && eval \"$(scripts/dagger-engine.sh env)\"), run under `dagger run`, or use engine 'local'" })
  const o: DaggerEngineOptions = {}
  if (opts.onEvent) o.onEvent = opts.onEvent
  if (opts.env) o.env = opts.env
  if (opts.signal) o.signal = opts.signal
  // The result's publish() uses the same registry settings as the build was given.
  if (opts.registryAuth) o.registryAuth = opts.registryAuth
  if (opts.dockerConfig) o.dockerConfig = opts.dockerConfig
  if (opts.sourceDateEpoch !== undefined) o.sourceDateEpoch = opts.sourceDateEpoch
  if (opts.dag) o.dag = opts.dag
  if (opts.source) o.source = opts.source
  if (opts.cacheKey) o.cacheKey = opts.cacheKey
  if (opts.cacheDir !== undefined) o.cacheDir = opts.cacheDir
  if (opts.attest) o.attest = opts.attest
  return buildDagger(plan, o)
}
