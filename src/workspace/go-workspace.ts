// GoWorkspace: many services of one repo (go.work or several modules), built
// in parallel with shared module downloads. Immutable like GoService.
import { resolve } from 'node:path'
import { ErrorCode, GostaticError } from '../errors.js'
import { GoService, goService } from '../builder/go-service.js'
import { discover, listWorkspace, locate } from './discover.js'
import type { WorkspaceBuildOptions, WorkspaceResult } from './build-workspace.js'
import type { ReporterOptions } from '../progress/reporter.js'
import { builtDetail, failedDetail, withReporter } from '../progress/report-build.js'
import { hint } from '../hints.js'

interface Props {
  readonly root: string
  readonly dirs: readonly string[]
  readonly patterns: readonly string[]
  readonly defaults: readonly ((s: GoService) => GoService)[]
  readonly overrides: Readonly<Record<string, readonly ((s: GoService) => GoService)[]>>
  readonly vendor: boolean
}

export interface ResolvedWorkspace {
  readonly root: string
  /** go.work's modules, or null without a go.work. */
  readonly workModules: readonly string[] | null
  /** Distinct module folders the services live in. */
  readonly modules: readonly string[]
  readonly services: readonly GoService[]
  readonly vendor: boolean
}

export class GoWorkspace {
  readonly #p: Props
  constructor(p: Props) {
    this.#p = p
  }
  #with(patch: Partial<Props>): GoWorkspace {
    return new GoWorkspace({ ...this.#p, ...patch })
  }
  /**
   * Main package folders, relative to the root. With neither services() nor discover(), every main package is a
   * service.
   */
  services(dirs: readonly string[]): GoWorkspace {
    return this.#with({ dirs: [...this.#p.dirs, ...dirs] })
  }
  /** Every main package folder matching a pattern like 'cmd/*'. */
  discover(pattern: string): GoWorkspace {
    return this.#with({ patterns: [...this.#p.patterns, pattern] })
  }
  /** Applied to every service first. */
  defaults(fn: (s: GoService) => GoService): GoWorkspace {
    return this.#with({ defaults: [...this.#p.defaults, fn] })
  }
  /** Applied to one service (by folder name) after the defaults. */
  service(name: string, fn: (s: GoService) => GoService): GoWorkspace {
    return this.#with({ overrides: { ...this.#p.overrides, [name]: [...(this.#p.overrides[name] ?? []), fn] } })
  }
  /** Vendor modules (go work vendor / go mod vendor, then go mod verify) and build with -mod=vendor. */
  vendor(on = true): GoWorkspace {
    return this.#with({ vendor: on })
  }

  /**
   * Finds the services and their modules by asking go (go work edit -json,
   * go list). A relative root resolves against `base` (default: the current folder).
   */
  resolve(base: string = process.cwd()): ResolvedWorkspace {
    const root = resolve(base, this.#p.root)
    const listing = listWorkspace(root)
    const all = this.#p.dirs.length === 0 && this.#p.patterns.length === 0
    const dirs = all ? discover(listing) : [...this.#p.dirs, ...this.#p.patterns.flatMap((p) => discover(listing, p))]
    if (dirs.length === 0)
      throw new GostaticError(
        ErrorCode.INVALID_CONFIG,
        `workspace ${root}: no services; ` +
          `${all ? 'it has no main package' : `nothing matches ${this.#p.patterns.map((p) => `'${p}'`).join(', ')}`}`,
        {
          hint: `name them with ${hint('workspace-services')}`,
        },
      )
    const locs = [...new Set(dirs)].map((d) => ({ dir: d, ...locate(listing, d) }))
    const byName = new Map<string, string>()
    for (const l of locs) {
      const prev = byName.get(l.name)
      if (prev)
        throw new GostaticError(ErrorCode.INVALID_CONFIG, `two services are named '${l.name}': ${prev} and ${l.dir}`, {
          hint: 'service names come from folder names; rename one folder',
        })
      byName.set(l.name, l.dir)
    }
    const unknown = Object.keys(this.#p.overrides).filter((n) => !byName.has(n))
    if (unknown.length)
      throw new GostaticError(
        ErrorCode.INVALID_CONFIG,
        `.service(${unknown.map((n) => `'${n}'`).join(', ')}): no such service; the workspace has ` +
          `${[...byName.keys()].join(', ')}`,
      )
    const services = locs.map((l) => {
      let s = goService({ name: l.name, source: l.moduleDir, main: l.main })
      for (const fn of this.#p.defaults) s = fn(s)
      for (const fn of this.#p.overrides[l.name] ?? []) s = fn(s)
      return this.#p.vendor ? s.mod('vendor') : s
    })
    return {
      root,
      workModules: listing.workModules,
      modules: [...new Set(locs.map((l) => l.moduleDir))].sort(),
      services,
      vendor: this.#p.vendor,
    }
  }

  /** Builds every service; progress goes to stderr as `reporter` says (default 'auto'), one line per service. */
  async build(opts: WorkspaceBuildOptions & ReporterOptions = {}): Promise<WorkspaceResult> {
    const ws = this.resolve()
    // The workspace's reporter shows every service; the services' own builds get only its sink.
    const { reporter, ...rest } = opts
    // The workspace build (module downloads, shared compile, the pool) loads when a build runs.
    const { buildWorkspace } = await import('./build-workspace.js')
    return withReporter(
      opts,
      ws.services.map((s) => s.name),
      (r) =>
        buildWorkspace(ws, {
          ...rest,
          onEvent: r.onEvent,
          onServiceDone: (b) => {
            r.done(b.name, b.ok ? { ok: true, detail: builtDetail(b.result) } : failedDetail(b.error))
            rest.onServiceDone?.(b)
          },
        }),
    )
  }
}

export function goWorkspace(opts: { root: string }): GoWorkspace {
  return new GoWorkspace({ root: opts.root, dirs: [], patterns: [], defaults: [], overrides: {}, vendor: false })
}
