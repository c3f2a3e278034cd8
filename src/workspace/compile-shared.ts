// Compiles the packages of all services that share a module, target and
// flags in one go command (`go list -export` with the build's flags: compile
// only, results go to the build cache). Parallel per-service builds then
// only link, instead of each compiling the same dependencies at the same time.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { BuildPlan } from '../plan/build-plan.js'
import type { EventSink } from '../engines/events.js'
import { prepareGoEnv } from '../toolchain/go-env.js'
import { isGostaticError } from '../errors.js'
import { runTool } from '../util/run-tool.js'
import { compileDigest, compiledBefore, markCompiled } from './compile-stamp.js'
import { sha256Hex } from '../oci/cache-entry.js'

interface Group {
  readonly cwd: string
  /** The first plan of the group: its Go and secrets are the group's. */
  readonly plan: BuildPlan
  readonly env: Readonly<Record<string, string>>
  readonly args: readonly string[]
  readonly packages: string[]
  /** The inputs digest of each service in the group (workspace/service-digest.ts); null where unknown. */
  readonly digests: (string | null)[]
}

/** A service's plan and the digest of its inputs, or null when that is not known. */
export interface SharedService {
  readonly plan: BuildPlan
  readonly digest: string | null
}

export function compileGroups(services: readonly SharedService[]): Group[] {
  const groups = new Map<string, Group>()
  for (const { plan: p, digest } of services)
    for (const t of p.targets) {
      // -ldflags only shapes the link, so services that differ only there share a group.
      const i = t.goArgs.indexOf('-ldflags')
      const args = i === -1 ? [...t.goArgs] : [...t.goArgs.slice(0, i), ...t.goArgs.slice(i + 2)]
      const key = JSON.stringify([p.source.dir, t.env, args, p.go.version, p.go.toolchainIfOlder, p.secrets])
      const g = groups.get(key) ?? { cwd: p.source.dir, plan: p, env: t.env, args, packages: [], digests: [] }
      if (!g.packages.includes(t.package)) g.packages.push(t.package)
      g.digests.push(digest)
      groups.set(key, g)
    }
  return [...groups.values()].filter((g) => g.packages.length > 1)
}

/**
 * Best effort: a failure here is left to the per-service builds to report,
 * one service each. `work` is a private folder (secrets, go's temp files).
 */
export async function compileShared(
  plans: readonly SharedService[],
  hostEnv: NodeJS.ProcessEnv,
  work: string,
  emit: EventSink,
  signal?: AbortSignal,
  /** Where stamps of compiles that succeeded are kept (gostatic's cache folder), or null for none. */
  stamps: string | null = null,
): Promise<void> {
  for (const [n, g] of compileGroups(plans).entries()) {
    const t0 = performance.now()
    const where = `${g.env['GOOS']}/${g.env['GOARCH']}`
    const dir = join(work, `compile-${n}`)
    await mkdir(dir, { recursive: true })
    let ok: boolean
    try {
      const env = (await prepareGoEnv(g.plan, hostEnv, dir)).forCommand(g.env)
      const inputs = { cwd: g.cwd, env, args: g.args, packages: g.packages }
      // The services' own digests cover what this compile reads; go is asked again only when one is unknown.
      const known = g.digests.every((d) => d !== null)
      const digest =
        stamps === null
          ? null
          : known
            ? sha256Hex(JSON.stringify(['services', g.args, g.env, g.packages, g.digests]))
            : await compileDigest(inputs, signal)
      if (compiledBefore(stamps, digest)) {
        const ms = Math.round(performance.now() - t0)
        const message =
          `${g.packages.length} services' packages for ${where}: inputs unchanged since compiled` +
          ` (checked in ${ms} ms, digest ${digest!.slice(0, 12)}); not compiled again`
        emit({ kind: 'info', service: 'workspace', message })
        continue
      }
      // go list -export compiles every package, main ones included, into the build cache and links nothing:
      // `go build` of several main packages would link each and throw the result away.
      const args = ['list', '-export', '-f', '{{.Export}}', ...g.args.slice(1), ...g.packages]
      ok = (await runTool('go', args, { cwd: g.cwd, env, ...(signal ? { signal } : {}) })).exitCode === 0
      if (ok) await markCompiled(stamps, digest)
    } catch (e) {
      if (!isGostaticError(e) || e.code === 'CANCELLED') throw e
      ok = false
    }
    emit({
      kind: 'info',
      service: 'workspace',
      message:
        `compiled ${g.packages.length} services' packages together ` +
        `for ${where} in ${Math.round(performance.now() - t0)} ` +
        `ms${ok ? '' : ' (failed; each service reports its own error)'}`,
    })
  }
}
