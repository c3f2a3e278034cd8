// The Dagger engine: the plan's builder and runtime stages as Dagger
// containers, walked step by step in plan order (dagger-steps.ts). Binaries
// are exported and verified with the same check as the local engine before
// any image is exported.
import { sourceLinkWarnings } from '../../util/source-links.js'
import { rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Client, Directory } from '@dagger.io/dagger'
import type { BuildPlan, TargetPlan } from '../../plan/build-plan.js'
import type { RegistryOptions } from '../../registry/registry-options.js'
import { noEvents, type EventSink } from '../events.js'
import type { EngineOutput } from '../engine-output.js'
import { sourceDateEpoch } from '../../toolchain/source-date-epoch.js'
import { makeTempDir } from '../../util/temp-dir.js'
import { builderBase } from './builder-container.js'
import { binaryKey, daggerSteps, what, type DaggerContext, type DaggerTargetState } from './dagger-steps.js'
import { stepTarget } from '../../plan/binaries.js'
import type { Platform } from '../../spec/platform.js'
import { translateDaggerError } from './dagger-errors.js'
import { withDaggerSession } from './dagger-session.js'
import { assembled, runSteps } from '../run-steps.js'

export { withDaggerSession }

export interface DaggerEngineOptions extends RegistryOptions {
  onEvent?: EventSink
  sourceDateEpoch?: number
  /** The `dag` of an existing Dagger connection; without it gostatic opens its own. */
  dag?: Client
  /** A Dagger Directory to build from instead of the plan's host folder. */
  source?: Directory
  cacheDir?: string | null
  /**
   * Prefix of the module and build cache volume names (default 'gostatic');
   * projects that must not share caches set their own.
   */
  cacheKey?: string
}

export async function buildDagger(plan: BuildPlan, opts: DaggerEngineOptions = {}): Promise<EngineOutput> {
  if (opts.dag) return run(opts.dag, plan, opts)
  return withDaggerSession(plan.service, (dag) => run(dag, plan, opts))
}

async function run(dag: Client, plan: BuildPlan, opts: DaggerEngineOptions): Promise<EngineOutput> {
  const emit = opts.onEvent ?? noEvents
  const env = opts.env ?? process.env
  const sourceDir = resolve(plan.source.dir)
  // A caller's Directory has no host folder whose git history we could read.
  const epoch = await sourceDateEpoch(opts, env, opts.source ? null : sourceDir)
  // A caller's Directory is not this machine's folder: its links are the caller's to check.
  const linkWarnings = opts.source ? [] : await sourceLinkWarnings(sourceDir)
  for (const w of [...plan.warnings, ...linkWarnings]) emit({ kind: 'warning', service: plan.service, message: w })
  const startedAt = performance.now()
  const tmp = await makeTempDir(`gostatic-dagger-${plan.service}-`)
  try {
    // The builder image and its tools are ready before the first step, so
    // their pull is no step's time (the local engine's Go is on the host).
    let builder = builderBase(dag, plan, env, opts.cacheKey)
    try {
      builder = await builder.sync()
    } catch (e) {
      throw translateDaggerError(e, plan.service)
    }
    const c: DaggerContext = {
      dag,
      plan,
      opts,
      env,
      emit,
      tmp,
      epoch,
      sourceDir,
      startedAt,
      builder,
      source: opts.source ?? dag.host().directory(sourceDir),
      warnings: [...plan.warnings, ...linkWarnings],
      moduleFiles: [],
      targets: new Map(plan.targets.map((t) => [t.platform, newTarget(t)])),
      binaries: new Map(
        plan.targets.flatMap((t) =>
          plan.binaries.map((b) => {
            const target = stepTarget(plan, { platform: t.platform, binary: b.path })
            return [binaryKey(t.platform, b.path), newTarget(target)] as const
          }),
        ),
      ),
    }
    const failure = (e: unknown, platform: Platform | undefined) => translateDaggerError(e, what(c, platform))
    await runSteps({ plan, engine: 'dagger', handlers: daggerSteps, context: c, emit, signal: opts.signal, failure })
    return assembled(c.result)
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

function newTarget(target: TargetPlan): DaggerTargetState {
  const none = {
    container: null,
    binary: null,
    built: null,
    unpacked: null,
    upx: null,
    verified: null,
    needs: null,
    runtime: null,
  }
  return { target, strip: 'not requested', ...none }
}
