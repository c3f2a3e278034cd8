// Builds a resolved workspace: modules downloaded (or vendored) once, then
// every service in parallel up to `concurrency`, each failure kept to itself.
import { join } from 'node:path'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { ErrorCode, GostaticError, ToolError, isGostaticError } from '../errors.js'
import type { ResolvedWorkspace } from '../builder/go-workspace.js'
import type { BuildOptions } from '../engines/build.js'
import type { BuildResult } from '../engines/build-result.js'
import type { WrittenOciArchive } from '../engines/local/oci-writer.js'
import { noEvents } from '../engines/events.js'
import { runTool } from '../engines/run-tool.js'
import { runPool } from './run-pool.js'
import { vendor, vendorError } from './vendor.js'
import { compileShared } from './compile-shared.js'
import { resolve } from 'node:path'

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

export async function buildWorkspace(ws: ResolvedWorkspace, opts: WorkspaceBuildOptions): Promise<WorkspaceResult> {
  // go's work folders for the workspace-wide commands go here, removed at the end even when cancelled.
  const gotmp = await mkdtemp(join(tmpdir(), 'gostatic-workspace-'))
  try {
    return await buildIn(ws, opts, { ...(opts.env ?? process.env), GOTMPDIR: gotmp })
  } finally {
    await rm(gotmp, { recursive: true, force: true })
  }
}

async function buildIn(ws: ResolvedWorkspace, opts: WorkspaceBuildOptions, env: NodeJS.ProcessEnv): Promise<WorkspaceResult> {
  const emit = opts.onEvent ?? noEvents
  const usesWork = ws.workModules !== null
  if (ws.vendor) {
    for (const d of await vendor(ws.root, usesWork ? ws.workModules! : ws.modules, usesWork, env)) emit({ kind: 'info', service: 'workspace', message: d })
  } else if (opts.engine !== 'dagger') {
    // One download per module (or one for the whole go.work), not one per service.
    for (const dir of usesWork ? [ws.root] : ws.modules) {
      const r = await runTool('go', ['mod', 'download'], { cwd: dir, env, ...(opts.signal ? { signal: opts.signal } : {}) })
      if (r.exitCode !== 0) throw new ToolError(ErrorCode.TOOL_FAILED, `go mod download failed in ${dir}:\n${r.stderr.trim()}`, r, { hint: 'check GOPROXY and network access, or use .vendor()' })
      emit({ kind: 'info', service: 'workspace', message: `modules downloaded once for ${dir}` })
    }
  }
  const services = ws.services.map((s) => (opts.engine === 'dagger' ? s : s.downloadModules(false)))
  if (opts.engine !== 'dagger' && services.length > 1) {
    const plans = services.flatMap((s) => {
      try {
        const p = s.plan()
        return [{ ...p, source: { ...p.source, dir: resolve(p.source.dir) } }]
      } catch {
        return [] // an invalid spec fails in its own build below
      }
    })
    await compileShared(plans, env, emit, opts.signal)
  }
  const settled = await runPool(services, opts.concurrency ?? 1, async (s) => {
    const t0 = performance.now()
    let done: ServiceBuild
    try {
      done = { name: s.name, ok: true, result: await s.build(opts), ms: Math.round(performance.now() - t0) }
    } catch (e) {
      const err = vendorError(e, usesWork)
      if (!isGostaticError(err)) throw err
      done = { name: s.name, ok: false, error: err, ms: Math.round(performance.now() - t0) }
    }
    opts.onServiceDone?.(done)
    return done
  })
  const results: ServiceBuild[] = settled.map((r) => {
    if (r.status === 'rejected') throw r.reason
    return r.value
  })
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
