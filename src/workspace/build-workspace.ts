// Builds a resolved workspace: the engine decided once, modules downloaded
// (or vendored) once, then every service in parallel up to `concurrency`,
// each failure kept to the services it concerns.
import { join, resolve } from 'node:path'
import { rm } from 'node:fs/promises'
import { ErrorCode, GostaticError, ToolError, isGostaticError } from '../errors.js'
import type { GoService } from '../builder/go-service.js'
import type { ResolvedWorkspace } from '../builder/go-workspace.js'
import { daggerReachable, decideEngine, type BuildOptions } from '../engines/build.js'
import type { BuildResult } from '../engines/build-result.js'
import type { WrittenOciArchive } from '../oci/oci-writer.js'
import { noEvents, type EventSink } from '../engines/events.js'
import { goModDownloadNote } from '../engines/go-failure.js'
import { runTool } from '../util/run-tool.js'
import { makeTempDir } from '../util/temp-dir.js'
import { runPool } from './run-pool.js'
import { vendor, vendorError } from './vendor.js'
import { compileShared } from './compile-shared.js'
import { buildHostEnv } from '../engines/host-env.js'

export interface WorkspaceBuildOptions extends BuildOptions {
  /** Services built at once (default: the CPU count). */
  concurrency?: number
  /** Called as each service finishes, before the others are done. */
  onServiceDone?: (s: ServiceBuild) => void
}

export type ServiceBuild = { name: string; ok: true; result: BuildResult; ms: number } | { name: string; ok: false; error: GostaticError; ms: number }

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
  // go's work folders for the workspace-wide commands go here, removed at the end even when cancelled.
  const gotmp = await makeTempDir('gostatic-workspace-')
  try {
    // The same host environment the engine gives go: nothing in it may shape the binaries.
    const env = { ...buildHostEnv(opts.env ?? process.env), GOTMPDIR: gotmp }
    // The Dagger SDK keeps one global client that connection() sets and
    // clears, so parallel services share one session instead of each opening
    // (and closing) their own. An unreachable engine is left to each service
    // to report, as its own outcome.
    if (engine === 'dagger' && opts.dag === undefined && daggerReachable(opts.env).ok) {
      const { withDaggerSession } = await import('../engines/dagger/dagger-engine.js')
      return await withDaggerSession('workspace', (dag) => buildIn(ws, { ...decided, dag }, engine, env, emit, true))
    }
    return await buildIn(ws, decided, engine, env, emit, false)
  } finally {
    await rm(gotmp, { recursive: true, force: true })
  }
}

async function buildIn(ws: ResolvedWorkspace, opts: WorkspaceBuildOptions, engine: Engine, env: NodeJS.ProcessEnv, emit: EventSink, ownSession: boolean): Promise<WorkspaceResult> {
  const usesWork = ws.workModules !== null
  let failedModules = new Map<string, GostaticError>()
  if (ws.vendor) {
    for (const d of await vendor(ws.root, usesWork ? ws.workModules! : ws.modules, usesWork, env, opts.signal)) emit({ kind: 'info', service: 'workspace', message: d })
  } else if (engine === 'local') {
    // The Dagger builder downloads in its own module cache; on the host, once per module (or for the whole go.work), not once per service.
    failedModules = await downloadModules(usesWork ? [ws.root] : ws.modules, env, emit, opts.signal)
  }
  const services = ws.services.map((s) => (engine === 'local' ? s.downloadModules(false) : s))
  const results: ServiceBuild[] = new Array(services.length)
  const toBuild: number[] = []
  for (const [i, s] of services.entries()) {
    const err = failedModules.get(usesWork ? resolve(ws.root) : (sourceOf(s) ?? ''))
    if (err === undefined) toBuild.push(i)
    else {
      results[i] = { name: s.name, ok: false, error: err, ms: 0 }
      opts.onServiceDone?.(results[i])
    }
  }
  if (engine === 'local' && toBuild.length > 1) {
    const plans = toBuild.flatMap((i) => {
      try {
        const p = services[i]!.plan()
        return [{ ...p, source: { ...p.source, dir: resolve(p.source.dir) } }]
      } catch {
        return [] // an invalid spec fails in its own build below
      }
    })
    await compileShared(plans, env, emit, opts.signal)
  }
  const settled = await runPool(toBuild, opts.concurrency ?? 1, async (i) => {
    const s = services[i]!
    const t0 = performance.now()
    let done: ServiceBuild
    try {
      const result = await s.build(opts)
      done = { name: s.name, ok: true, result: ownSession ? withoutContainers(result) : result, ms: Math.round(performance.now() - t0) }
    } catch (e) {
      const err = vendorError(e, usesWork)
      if (!isGostaticError(err)) throw err
      done = { name: s.name, ok: false, error: err, ms: Math.round(performance.now() - t0) }
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

/** `go mod download` in each folder; a failure is recorded against its folder, and the others still download. */
async function downloadModules(dirs: readonly string[], env: NodeJS.ProcessEnv, emit: EventSink, signal: AbortSignal | undefined): Promise<Map<string, GostaticError>> {
  const failed = new Map<string, GostaticError>()
  for (const dir of dirs) {
    const r = await runTool('go', ['mod', 'download'], { cwd: dir, env, ...(signal ? { signal } : {}) })
    if (r.exitCode === 0) {
      emit({ kind: 'info', service: 'workspace', message: `modules downloaded once for ${dir}` })
      continue
    }
    failed.set(resolve(dir), new ToolError(ErrorCode.TOOL_FAILED, `go mod download failed in ${dir}:\n${r.stderr.trim()}`, r, goModDownloadNote(r.stderr)))
    emit({ kind: 'warning', service: 'workspace', message: `go mod download failed in ${dir}: its services are not built` })
  }
  return failed
}

/** The service's source folder, or undefined when its spec is invalid (that fails in its own build). */
export function sourceOf(s: GoService): string | undefined {
  try {
    return resolve(s.toSpec().source)
  } catch {
    return undefined // an invalid spec fails in its own build
  }
}

/** Containers die with the session the workspace opened: a result must not hand them out. */
function withoutContainers(r: BuildResult): BuildResult {
  const { containers: _dead, ...rest } = r
  return rest
}
