// Each service's `go list -deps` closure, asked of go with the env and tags
// its plan builds with (per platform: a file excluded on one is built on
// another). Services of one folder, env and tags share one go list.
import { realpathSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import type { BuildPlan, TargetPlan } from '../plan/build-plan.js'
import { buildHostEnv } from '../toolchain/host-env.js'
import { goCommandError } from '../toolchain/go-errors.js'
import { ErrorCode, GostaticError } from '../errors.js'
import { runTool } from '../util/run-tool.js'
import { splitJsonStream } from '../util/json-stream.js'
import type { ClosurePackage } from './affected-select.js'

export const FILE_FIELDS = [
  'GoFiles',
  'CgoFiles',
  'CFiles',
  'CXXFiles',
  'MFiles',
  'HFiles',
  'FFiles',
  'SFiles',
  'SwigFiles',
  'SwigCXXFiles',
  'SysoFiles',
  'EmbedFiles',
  'IgnoredGoFiles',
  'IgnoredOtherFiles',
] as const
const files = z.array(z.string()).nullish()
const ListedSchema = z.object({
  Dir: z.string().default(''),
  ImportPath: z.string(),
  Standard: z.boolean().default(false),
  DepOnly: z.boolean().default(false),
  Module: z.object({ Path: z.string(), Dir: z.string().optional() }).nullish(),
  EmbedPatterns: z.array(z.string()).nullish(),
  Deps: z.array(z.string()).nullish(),
  Error: z.object({ Err: z.string() }).nullish(),
  ...Object.fromEntries(FILE_FIELDS.map((f) => [f, files])),
})
type Listed = z.infer<typeof ListedSchema> & Partial<Record<(typeof FILE_FIELDS)[number], string[] | null>>

/** The closure of every plan, in order; null for a plan that is null (its spec does not plan). */
export async function serviceClosures(
  plans: readonly (BuildPlan | null)[],
  hostEnv: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<(ClosurePackage[] | null)[]> {
  const groups = new Map<string, { cwd: string; env: Record<string, string>; flags: string[]; mains: Set<string> }>()
  const want: { key: string; main: string }[][] = plans.map(() => [])
  plans.forEach((p, i) => {
    for (const t of p?.targets ?? []) {
      const flags = listFlags(t)
      const key = JSON.stringify([p!.source.dir, t.env, flags, p!.go.toolchainIfOlder])
      const g = groups.get(key) ?? { cwd: p!.source.dir, env: { ...t.env }, flags, mains: new Set<string>() }
      // Every program the image holds: the main package and each .binary()'s.
      for (const pkg of [t.package, ...p!.binaries.map((b) => b.package)]) {
        g.mains.add(pkg)
        want[i]!.push({ key, main: resolve(p!.source.dir, pkg) })
      }
      groups.set(key, g)
    }
  })
  const listings = new Map<string, Map<string, Listed>>()
  for (const [key, g] of groups) {
    // GOTOOLCHAIN=auto: go switches to the version go.mod asks for, as the build does.
    const env = { ...buildHostEnv(hostEnv), ...g.env, GOTOOLCHAIN: hostEnv['GOTOOLCHAIN'] ?? 'auto' }
    const args = ['list', '-e', '-deps', `-json=${Object.keys(ListedSchema.shape).join(',')}`, ...g.flags, ...g.mains]
    const r = await runTool('go', args, { cwd: g.cwd, env, ...(signal ? { signal } : {}) })
    if (r.exitCode !== 0)
      throw goCommandError(`go list -deps failed in ${g.cwd} while finding what each service is built from`, r)
    const byPath = new Map<string, Listed>()
    for (const raw of splitJsonStream(r.stdout)) {
      const parsed = ListedSchema.safeParse(JSON.parse(raw))
      if (!parsed.success)
        throw new GostaticError(ErrorCode.TOOL_FAILED, `unexpected go list output:\n${z.prettifyError(parsed.error)}`)
      byPath.set(parsed.data.ImportPath, parsed.data as Listed)
    }
    listings.set(key, byPath)
  }
  return plans.map((p, i) => (p === null ? null : closureOf(want[i]!, listings)))
}

type Listings = ReadonlyMap<string, Map<string, Listed>>
function closureOf(want: readonly { key: string; main: string }[], listings: Listings): ClosurePackage[] {
  const out = new Map<string, ClosurePackage>()
  for (const { key, main } of want) {
    const byPath = listings.get(key)!
    const root = [...byPath.values()].find((l) => !l.DepOnly && l.Dir !== '' && sameDir(l.Dir, main))
    if (!root) {
      const error = `go list did not report the main package ${main}`
      out.set(main, { importPath: main, dir: main, module: null, files: [], embedPatterns: [], error })
      continue
    }
    for (const path of [root.ImportPath, ...(root.Deps ?? [])]) {
      const l = byPath.get(path)
      if (!l || l.Standard) continue
      const pkg = toClosurePackage(l)
      const key = `${pkg.importPath}\0${pkg.dir}`
      const prev = out.get(key)
      out.set(key, prev ? { ...prev, files: [...new Set([...prev.files, ...pkg.files])] } : pkg)
    }
  }
  return [...out.values()]
}

function toClosurePackage(l: Listed): ClosurePackage {
  const dir = real(l.Dir)
  const all = FILE_FIELDS.flatMap((f) => l[f] ?? []).map((f) => join(dir, f))
  return {
    importPath: l.ImportPath,
    dir,
    module: l.Module ? { path: l.Module.Path, dir: l.Module.Dir ? real(l.Module.Dir) : null } : null,
    files: all,
    embedPatterns: l.EmbedPatterns ?? [],
    error: l.Error ? l.Error.Err : null,
  }
}

/** The build flags that change which files and packages go reads: tags and the module mode. */
export function listFlags(t: TargetPlan): string[] {
  return listFlagsOf(t.goArgs)
}

export function listFlagsOf(goArgs: readonly string[]): string[] {
  const out: string[] = []
  goArgs.forEach((a, i) => {
    if (a === '-tags' || a === '-mod') out.push(a, goArgs[i + 1] ?? '')
    else if (a.startsWith('-tags=') || a.startsWith('-mod=')) out.push(a)
  })
  return out
}

const sameDir = (a: string, b: string) => real(a) === real(b)

function real(p: string): string {
  try {
    return realpathSync(p)
  } catch {
    return p // a folder that is gone: compared as given
  }
}
