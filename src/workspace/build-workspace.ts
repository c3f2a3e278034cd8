// Builds a resolved workspace: the engine decided once, modules downloaded
// (or vendored) once, then every service in parallel up to `concurrency`,
// each failure kept to the services it concerns.
import { join, resolve } from 'node:path'
import { rm } from 'node:fs/promises'
import { ErrorCode, GostaticError, isGostaticError } from '../errors.js'
import type { ResolvedWorkspace } from './go-workspace.js'
import { daggerReachable, decideEngine } from '../engines/build.js'
import type { BuildOptions } from '../image/build-plan.js'
import type { BuildResult } from '../image/build-result.js'
import type { WrittenOciArchive } from '../oci/oci-writer.js'
import { noEvents, type EventSink } from '../engines/events.js'
import { makeTempDir } from '../util/temp-dir.js'
import { internalFailure } from '../util/internal-failure.js'
import { runPool } from './run-pool.js'
import { vendor, vendorError } from './vendor.js'
import { compileShared } from './compile-shared.js'
import { serviceDigests } from './service-digest.js'
import { defaultCacheDir } from '../oci/cache-dir.js'
import { buildHostEnv } from '../toolchain/host-env.js'
import { loadDaggerEngine } from '../engines/dagger/dagger-sdk.js'
import { tcpRunnerProblem } from '../engines/tcp-runner-probe.js'
import { downloadModules, moduleUnits, unitEnv, vendorUnits } from './module-commands.js'
import { availableParallelism } from 'node:os'
import { serviceConcurrency } from '../plan/workspace-concurrency.js'
import { planOf } from './plan-of.js'

export interface WorkspaceBuildOptions extends BuildOptions {
  /** Services built at once (default: plan/workspace-concurrency.ts, the CPU count on the local engine). */
  concurrency?: number
  /** Called as each service finishes, before the others are done. */
  onServiceDone?: (s: ServiceBuild) => void
}

export type ServiceBuild =
  | { name: string; ok: true; result: BuildResult; ms: number }
  | { name: string; ok: false; error: GostaticError; ms: number }

export interface WorkspaceResult {
  readonly ok: boolean
  readonly services: readonly ServiceBuild[]
  /** Writes <dir>/<service>.tar for every service that built. */
  exportAll(dir: string): Promise<Map<string, WrittenOciArchive>>
}

type Engine = 'local' | 'dagger'

export async function buildWorkspace(ws: ResolvedWorkspace, opts: WorkspaceBuildOptions): Promise<WorkspaceResult> {
  const emit = opts.onEvent ?? noEvents
  // Once for the workspace, so every service runs on the same engine and 'auto' is announced once.
  const { engine, message } = decideEngine(opts.engine, opts.env)
  if (message) emit({ kind: 'info', service: 'workspace', message })
  const decided: WorkspaceBuildOptions = { ...opts, engine }
  // go's work folders and the secrets of the workspace-wide commands go here, removed at the end even when cancelled.
  const gotmp = await makeTempDir('gostatic-workspace-')
  try {
    // The Dagger SDK keeps one global client that connection() sets and
    // clears, so parallel services share one session instead of each opening
    // (and closing) their own. An unreachable engine (or a tcp:// one that
    // does not answer) is left to each service to report, as its own outcome.
    const reachable = () => daggerReachable(opts.env).ok && tcpRunnerProblem(opts.env ?? process.env).then((p) => !p)
    if (engine === 'dagger' && opts.dag === undefined && (await reachable())) {
      const { withDaggerSession } = await loadDaggerEngine()
      return await withDaggerSession('workspace', (dag) => buildIn(ws, { ...decided, dag }, engine, gotmp, emit, true))
    }
    return await buildIn(ws, decided, engine, gotmp, emit, false)
  } finally {
    await rm(gotmp, { recursive: true, force: true })
  }
}

async function buildIn(
  ws: ResolvedWorkspace,
  opts: WorkspaceBuildOptions,
  engine: Engine,
  gotmp: string,
  emit: EventSink,
  ownSession: boolean,
): Promise<WorkspaceResult> {
  const usesWork = ws.workModules !== null
  const hostEnv = opts.env ?? process.env
  const plans = ws.services.map(planOf)
  const units = moduleUnits(ws, plans)
  let failed = new Map<number, GostaticError>()
  if (ws.vendor) {
    const byDir = vendorUnits(units, ws)
    // A folder no valid plan covers still vendors, with the host env the engine would give go.
    const envFor = async (dir: string) => {
      const u = byDir.get(resolve(dir))
      return u ? unitEnv(u, hostEnv, join(gotmp, 'vendor')) : { ...buildHostEnv(hostEnv), GOTMPDIR: gotmp }
    }
    for (const d of await vendor(ws.root, usesWork ? ws.workModules! : ws.modules, usesWork, envFor, opts.signal))
      emit({ kind: 'info', service: 'workspace', message: d })
  } else if (engine === 'local') {
    // The Dagger builder downloads in its own module cache; on the host, once per module (or for the whole go.work),
    // not once per service.
    failed = await downloadModules(units, hostEnv, gotmp, emit, opts.signal)
  }
  const downloaded = new Set(
    engine === 'local' && !ws.vendor ? units.flatMap((u) => u.services).filter((i) => !failed.has(i)) : [],
  )
  const services = ws.services.map((s, i) => (downloaded.has(i) ? s.downloadModules(false) : s))
  const results: ServiceBuild[] = new Array(services.length)
  const toBuild: number[] = []
  for (const [i, s] of services.entries()) {
    const err = failed.get(i)
    if (err === undefined) toBuild.push(i)
    else {
      results[i] = { name: s.name, ok: false, error: err, ms: 0 }
      opts.onServiceDone?.(results[i])
    }
  }
  const stamps = opts.cacheDir === undefined ? defaultCacheDir(hostEnv) : opts.cacheDir
  // What each service's go build reads, asked of go once: an unchanged service reuses its last verified output.
  const digests = new Map<number, string>()
  if (engine === 'local' && stamps !== null) {
    const t0 = performance.now()
    const ps = toBuild.map((i) => planOf(services[i]!))
    const ds = await serviceDigests(ps, hostEnv, opts.signal)
    ds.forEach((d, n) => d !== null && digests.set(toBuild[n]!, d))
    const ms = Math.round(performance.now() - t0)
    const message = `inputs of ${digests.size} of ${toBuild.length} services hashed in ${ms} ms`
    emit({ kind: 'info', service: 'workspace', message })
  }
  if (engine === 'local' && toBuild.length > 1) {
    const shared = toBuild.flatMap((i) => {
      const p = planOf(services[i]!)
      return p === null ? [] : [{ plan: p, digest: digests.get(i) ?? null }]
    })
    await compileShared(shared, hostEnv, gotmp, emit, opts.signal, stamps)
  }
  const limit = serviceConcurrency(engine, opts.concurrency, availableParallelism())
  const settled = await runPool(toBuild, limit, async (i) => {
    const s = services[i]!
    const t0 = performance.now()
    let done: ServiceBuild
    try {
      // The workspace's caller reports; each service only feeds its sink (so no reporter of its own opens).
      const digest = digests.get(i)
      const serviceOpts: WorkspaceBuildOptions & { inputsDigest?: string } = {
        ...opts,
        onEvent: emit,
        ...(digest === undefined ? {} : { inputsDigest: digest }),
      }
      const result = await s.build(serviceOpts)
      done = {
        name: s.name,
        ok: true,
        result: ownSession ? withoutContainers(result) : result,
        ms: Math.round(performance.now() - t0),
      }
    } catch (e) {
      // A bug hit while building one service is that service's outcome; the others still build.
      const err = vendorError(e, usesWork)
      const error = isGostaticError(err) ? err : internalFailure(err, `building ${s.name}`)
      done = { name: s.name, ok: false, error, ms: Math.round(performance.now() - t0) }
    }
    opts.onServiceDone?.(done)
    return done
  })
  for (const [n, r] of settled.entries()) {
    if (r.status === 'rejected') throw r.reason
    results[toBuild[n]!] = r.value
  }
  if (opts.signal?.aborted) throw new GostaticError(ErrorCode.CANCELLED, 'workspace build cancelled')
  return {
    ok: results.every((r) => r.ok),
    services: results,
    exportAll: async (dir) => {
      const out = new Map<string, WrittenOciArchive>()
      for (const r of results) if (r.ok) out.set(r.name, await r.result.exportTarball(join(dir, `${r.name}.tar`)))
      return out
    },
  }
}

/** Containers die with the session the workspace opened: a result must not hand them out. */
function withoutContainers(r: BuildResult): BuildResult {
  const { containers: _dead, ...rest } = r
  return rest
}
