// Compiles the packages of all services that share a module, target and
// flags in one `go build` (no -o: compile only, results go to the build
// cache). Parallel per-service builds then only link, instead of each
// compiling the same dependencies at the same time.
import type { BuildPlan } from '../plan/build-plan.js'
import type { EventSink } from '../engines/events.js'
import { runTool } from '../util/run-tool.js'

interface Group {
  readonly cwd: string
  readonly env: Readonly<Record<string, string>>
  readonly args: readonly string[]
  readonly packages: string[]
}

export function compileGroups(plans: readonly BuildPlan[]): Group[] {
  const groups = new Map<string, Group>()
  for (const p of plans)
    for (const t of p.targets) {
      // -ldflags only shapes the link, so services that differ only there share a group.
      const i = t.goArgs.indexOf('-ldflags')
      const args = i === -1 ? [...t.goArgs] : [...t.goArgs.slice(0, i), ...t.goArgs.slice(i + 2)]
      const key = JSON.stringify([p.source.dir, t.env, args])
      const g = groups.get(key) ?? { cwd: p.source.dir, env: t.env, args, packages: [] }
      if (!g.packages.includes(t.package)) g.packages.push(t.package)
      groups.set(key, g)
    }
  return [...groups.values()].filter((g) => g.packages.length > 1)
}

/** Best effort: a failure here is left to the per-service builds to report, one service each. */
export async function compileShared(plans: readonly BuildPlan[], baseEnv: NodeJS.ProcessEnv, emit: EventSink, signal?: AbortSignal): Promise<void> {
  for (const g of compileGroups(plans)) {
    const t0 = performance.now()
    const r = await runTool('go', [...g.args, ...g.packages], { cwd: g.cwd, env: { ...baseEnv, ...g.env }, ...(signal ? { signal } : {}) })
    const where = `${g.env['GOOS']}/${g.env['GOARCH']}`
    emit({ kind: 'info', service: 'workspace', message: `compiled ${g.packages.length} services' packages together for ${where} in ${Math.round(performance.now() - t0)} ms${r.exitCode === 0 ? '' : ' (failed; each service reports its own error)'}` })
  }
}
