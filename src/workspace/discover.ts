// Finds what a workspace holds by asking go: go.work's modules (go work edit
// -json), and every package of the workspace's modules with its name and
// module (go list -find). A file go does not build (//go:build ignore, a
// generator) makes no package main, and a nested module is its own module.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { ErrorCode, GostaticError } from '../errors.js'
import { goListPackages, goWorkUses, type ListedPackage } from './go-list-sync.js'

export interface ServiceLocation {
  /** Service name: the package folder's name. */
  readonly name: string
  /** The module folder (holds go.mod): the service's source. */
  readonly moduleDir: string
  /** Main package relative to the module, e.g. './services/api'. */
  readonly main: string
}

export interface WorkspaceListing {
  readonly root: string
  /** go.work's modules, or null without a go.work in root. */
  readonly workModules: readonly string[] | null
  /** The workspace's packages by folder. */
  readonly packages: ReadonlyMap<string, ListedPackage>
}

export function listWorkspace(rootDir: string): WorkspaceListing {
  const root = resolve(rootDir)
  if (!existsSync(root)) throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `workspace root ${root} does not exist`)
  const workModules = existsSync(join(root, 'go.work')) ? goWorkUses(root).map((d) => resolve(root, d)) : null
  const listed: ListedPackage[] = []
  if (workModules !== null) {
    // In workspace mode ./... names no module; each module under the root is listed by its own pattern.
    const inside = workModules.filter((m) => !relative(root, m).startsWith('..') && !isAbsolute(relative(root, m)))
    const patterns = inside.map((m) =>
      relative(root, m) ? `./${relative(root, m).split(sep).join('/')}/...` : './...',
    )
    if (patterns.length) listed.push(...goListPackages(root, patterns))
  } else for (const m of moduleDirs(root)) listed.push(...goListPackages(m, ['./...']))
  const packages = new Map<string, ListedPackage>()
  for (const p of listed) if (p.Dir && p.Module?.Dir) packages.set(resolve(p.Dir), p)
  return { root, workModules, packages }
}

export function locate(ws: WorkspaceListing, serviceDir: string): ServiceLocation {
  const dir = resolve(ws.root, serviceDir)
  const p = ws.packages.get(dir)
  if (!p) throw notAPackage(ws, serviceDir, dir)
  if (p.Name !== 'main')
    throw new GostaticError(
      ErrorCode.INPUT_NOT_FOUND,
      `service folder ${serviceDir} is package ${p.Name}, not a main package`,
      { hint: 'name the folder of a `package main` with func main()' },
    )
  const moduleDir = resolve(p.Module!.Dir!)
  const rel = relative(moduleDir, dir).split(sep).join('/')
  return { name: basename(dir).toLowerCase(), moduleDir, main: rel === '' ? '.' : `./${rel}` }
}

/**
 * The main packages whose folder (relative to the root) matches a pattern like 'cmd/*' (one `*` per segment), or all of
 * them.
 */
export function discover(ws: WorkspaceListing, pattern?: string): string[] {
  const segs = pattern?.split('/').filter((s) => s && s !== '.')
  const globs = segs?.map((seg) => new RegExp(`^${seg.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`))
  const out: string[] = []
  for (const [dir, p] of ws.packages) {
    if (p.Name !== 'main') continue
    const rel = relative(ws.root, dir).split(sep).join('/')
    const parts = rel === '' ? [] : rel.split('/')
    if (globs && (parts.length !== globs.length || !globs.every((g, i) => g.test(parts[i]!)))) continue
    out.push(rel)
  }
  return out.sort()
}

function notAPackage(ws: WorkspaceListing, serviceDir: string, dir: string): GostaticError {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    return new GostaticError(ErrorCode.INPUT_NOT_FOUND, `service folder ${serviceDir} does not exist in ${ws.root}`)
  if (!readdirSync(dir).some((f) => f.endsWith('.go')))
    return new GostaticError(ErrorCode.INPUT_NOT_FOUND, `service folder ${serviceDir} has no .go files`)
  const where = ws.workModules === null ? 'a module under the workspace root' : "one of go.work's modules"
  return new GostaticError(
    ErrorCode.INPUT_NOT_FOUND,
    `service folder ${serviceDir} holds no package go builds for linux with cgo off, in ${where}`,
    {
      hint:
        'files with //go:build ignore (generators) are not part of any package; a service needs a buildable ' +
        'package main inside a Go module',
    },
  )
}

/** Folders under root holding a go.mod, skipping what go's ./... skips (., _, testdata, vendor) and node_modules. */
function moduleDirs(root: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    if (existsSync(join(d, 'go.mod'))) out.push(d)
    for (const e of readdirSync(d, { withFileTypes: true }))
      if (e.isDirectory() && !/^[._]/.test(e.name) && !['testdata', 'vendor', 'node_modules'].includes(e.name))
        walk(join(d, e.name))
  }
  walk(root)
  return out
}
