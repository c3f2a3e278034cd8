// What a gostatic:// reference names: a folder (`./cmd/api`, relative to the
// current folder, as ko's relative ko:// paths are) or a package path of a
// module here (`example.com/shop/cmd/api`: the go.mod, or the go.work modules,
// at or above the current folder). Checked before anything is built; a
// reference to nothing names the file and line it is on.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { ErrorCode, GostaticError } from '../../errors.js'
import type { ManifestRef } from './manifest-refs.js'

export interface RefTarget {
  /** The main package's folder, absolute: one build per distinct folder. */
  readonly folder: string
  /** The folder holding its go.mod. */
  readonly moduleRoot: string
  /** The main package relative to the module, like './cmd/api' or '.'. */
  readonly main: string
}

export function locateTarget(ref: ManifestRef, cwd: string, modules: readonly ModuleDir[]): RefTarget {
  const t = ref.target
  const fail = (why: string) =>
    new GostaticError(ErrorCode.INPUT_NOT_FOUND, `${ref.file}:${ref.line}: gostatic://${t}: ${why}`, {
      hint:
        'a reference is a folder (gostatic://./cmd/api) or a package path of a module here ' +
        '(gostatic://example.com/app/cmd/api)',
    })
  let folder: string | undefined
  if (t === '.' || t.startsWith('./') || t.startsWith('../') || isAbsolute(t)) folder = resolve(cwd, t)
  else {
    const m = modules
      .filter((d) => t === d.path || t.startsWith(`${d.path}/`))
      .sort((a, b) => b.path.length - a.path.length)[0]
    folder = m ? join(m.dir, t.slice(m.path.length)) : undefined
    if (folder === undefined) {
      const known = modules.map((d) => d.path).join(', ') || 'none'
      throw fail(`no module here has this package path (modules: ${known})`)
    }
  }
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw fail(`there is no folder ${folder}`)
  if (!readdirSync(folder).some((f) => f.endsWith('.go') && !f.endsWith('_test.go')))
    throw fail(`${folder} holds no Go files`)
  const moduleRoot = moduleRootOf(folder)
  if (moduleRoot === undefined) throw fail(`${folder} is in no Go module (no go.mod at or above it)`)
  const rel = relative(moduleRoot, folder)
  return { folder, moduleRoot, main: rel === '' ? '.' : `./${rel.split('\\').join('/')}` }
}

export interface ModuleDir {
  readonly path: string
  readonly dir: string
}

/** The modules a package path can name: the go.work's `use` folders, else the go.mod at or above `cwd`. */
export function modulesHere(cwd: string): ModuleDir[] {
  for (let d = resolve(cwd); ; d = dirname(d)) {
    const work = join(d, 'go.work')
    if (existsSync(work)) return useDirs(work).flatMap((u) => moduleAt(resolve(d, u)) ?? [])
    const mod = moduleAt(d)
    if (mod) return [mod]
    if (dirname(d) === d) return []
  }
}

function moduleAt(dir: string): ModuleDir | undefined {
  const file = join(dir, 'go.mod')
  if (!existsSync(file)) return undefined
  const path = /^module\s+"?([^\s"]+)"?/m.exec(readFileSync(file, 'utf8'))?.[1]
  return path === undefined ? undefined : { path, dir }
}

/** go.work `use ./a` and `use ( ./a ./b )`: the grammar's two forms. */
function useDirs(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '')
  const out: string[] = []
  for (const m of text.matchAll(/^\s*use\s+(?:\(([^)]*)\)|(\S+))/gm)) {
    for (const d of (m[1] ?? m[2] ?? '').split(/\s+/)) if (d) out.push(d.replace(/^"|"$/g, ''))
  }
  return out
}

function moduleRootOf(folder: string): string | undefined {
  for (let d = folder; ; d = dirname(d)) {
    if (existsSync(join(d, 'go.mod'))) return d
    if (dirname(d) === d) return undefined
  }
}

/** A service name per distinct folder: its base name, or its path from `cwd` when two share one. */
export function serviceNames(targets: readonly RefTarget[], cwd: string): Map<string, string> {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[-._]+|[-._]+$/g, '') || 'app'
  const base = (t: RefTarget) => clean(basename(t.folder))
  const names = new Map<string, string>()
  for (const t of targets) {
    const clash = targets.some((o) => o.folder !== t.folder && base(o) === base(t))
    names.set(
      t.folder,
      clash
        ? clean(
            relative(cwd, t.folder)
              .split(/[\\/]/)
              .filter((p) => p !== '..')
              .join('-'),
          )
        : base(t),
    )
  }
  return names
}
