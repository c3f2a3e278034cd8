// The workspace's once-per-module go commands (`go mod download`, vendoring)
// run with the env of the plans they serve: their GOPRIVATE, GOFLAGS, GOPROXY,
// Go toolchain and secrets, through the same source as the local engine's.
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { ErrorCode, GostaticError, isGostaticError } from '../errors.js'
import type { BuildPlan } from '../plan/build-plan.js'
import type { ResolvedWorkspace } from './go-workspace.js'
import type { EventSink } from '../engines/events.js'
import { prepareGoEnv } from '../toolchain/go-env.js'
import { goCommandError } from '../toolchain/go-errors.js'
import { runTool } from '../util/run-tool.js'
import { hint } from '../hints.js'

/** One folder to run module commands in (a module, or the go.work root) with one plan's env. */
export interface ModuleUnit {
  readonly dir: string
  /** The first plan of the unit; all its services' plans agree on what the env is made of. */
  readonly plan: BuildPlan
  /** Indexes into the workspace's services. */
  readonly services: number[]
}

/** Services whose plans differ in module env, Go or secrets get a unit each; the usual case is one per folder. */
export function moduleUnits(ws: ResolvedWorkspace, plans: readonly (BuildPlan | null)[]): ModuleUnit[] {
  const units = new Map<string, ModuleUnit>()
  plans.forEach((p, i) => {
    if (p === null) return // an invalid spec fails in its own build
    const dir = ws.workModules !== null ? resolve(ws.root) : resolve(p.source.dir)
    const key = JSON.stringify([dir, p.go.moduleEnv, p.go.version, p.go.toolchainIfOlder, p.secrets])
    const u = units.get(key) ?? { dir, plan: p, services: [] }
    u.services.push(i)
    units.set(key, u)
  })
  return [...units.values()]
}

/** The env for a unit's commands; its secrets go under `work`. */
export async function unitEnv(u: ModuleUnit, hostEnv: NodeJS.ProcessEnv, work: string): Promise<NodeJS.ProcessEnv> {
  await mkdir(work, { recursive: true })
  return (await prepareGoEnv(u.plan, hostEnv, work)).forCommand(u.plan.go.moduleEnv)
}

/**
 * `go mod download` once per unit; a failure is recorded against the unit's services, and the others still download.
 */
export async function downloadModules(
  units: readonly ModuleUnit[],
  hostEnv: NodeJS.ProcessEnv,
  work: string,
  emit: EventSink,
  signal?: AbortSignal,
): Promise<Map<number, GostaticError>> {
  const failed = new Map<number, GostaticError>()
  for (const [n, u] of units.entries()) {
    let error: GostaticError
    try {
      const env = await unitEnv(u, hostEnv, join(work, `download-${n}`))
      const r = await runTool('go', ['mod', 'download'], { cwd: u.dir, env, ...(signal ? { signal } : {}) })
      if (r.exitCode === 0) {
        emit({ kind: 'info', service: 'workspace', message: `modules downloaded once for ${u.dir}` })
        continue
      }
      error = goCommandError(`go mod download failed in ${u.dir}`, r)
    } catch (e) {
      if (!isGostaticError(e) || e.code === ErrorCode.CANCELLED) throw e
      error = e // the Go version could not be had, or a secret is missing
    }
    for (const i of u.services) failed.set(i, error)
    emit({
      kind: 'warning',
      service: 'workspace',
      message: `go mod download failed in ${u.dir}: its services are not built`,
    })
  }
  return failed
}

/** Vendoring writes one vendor/ per folder, so the services of a folder must agree on its env. */
export function vendorUnits(units: readonly ModuleUnit[], ws: ResolvedWorkspace): Map<string, ModuleUnit> {
  const byDir = new Map<string, ModuleUnit>()
  for (const u of units) {
    const prev = byDir.get(u.dir)
    if (prev) {
      const names = [prev.services[0]!, u.services[0]!].map((i) => ws.services[i]!.name)
      throw new GostaticError(
        ErrorCode.INVALID_CONFIG,
        `services ${names.join(' and ')} vendor ${u.dir} but differ ` +
          `in its go environment (env, .goPrivate(), .go() or .secret())`,
        {
          hint: `give every service of a module the same settings for these, e.g. in ${hint('workspace-defaults')}`,
        },
      )
    }
    byDir.set(u.dir, u)
  }
  return byDir
}
