// A CGO_ENABLED=0 build that fails on a name only a package's cgo files
// declare (go-sqlite3's SQLiteConn.SetFileControlInt, a service's own C
// wrapper): which package and module that is, and what to do. Pure; the
// engine lists the packages (go list with cgo on) and reads their cgo files.
import { hint } from '../hints.js'

/** A package of the build with cgo files, as the engine read it. */
export interface CgoPackage {
  readonly importPath: string
  /** The package name the compiler qualifies names with: 'sqlite3'. */
  readonly name: string
  /** Its module path; null for the standard library. */
  readonly module: string | null
  /** The package being built (the service's own), not a dependency. */
  readonly own: boolean
  /** The text of its cgo files, which a CGO_ENABLED=0 build leaves out. */
  readonly cgoText: string
}

export interface UndefinedName {
  /** The package name before the dot, or null for a name of the package being compiled. */
  readonly qualifier: string | null
  readonly name: string
}

// go's two words for it: "undefined: pkg.Name" and "x.Name undefined (type *pkg.T has no field or method Name)".
const PLAIN = /undefined: (?:([A-Za-z_]\w*)\.)?([A-Za-z_]\w*)/g
const METHOD = /\.(\w+) undefined \(type \*?(?:([A-Za-z_]\w*)\.)?\w+ has no field or method \w+/g

/** Each name the compiler reports undefined, once. */
export function undefinedNames(stderr: string): UndefinedName[] {
  const seen = new Map<string, UndefinedName>()
  for (const m of stderr.matchAll(PLAIN)) seen.set(`${m[1]}.${m[2]}`, { qualifier: m[1] ?? null, name: m[2]! })
  for (const m of stderr.matchAll(METHOD)) seen.set(`${m[2]}.${m[1]}`, { qualifier: m[2] ?? null, name: m[1]! })
  return [...seen.values()]
}

/** Package names the undefined names are qualified with (to tell the engine which cgo files to read). */
export const qualifiers = (names: readonly UndefinedName[]): Set<string | null> =>
  new Set(names.map((n) => n.qualifier))

/** The note for the build error, or null when no undefined name is declared in cgo files only. */
export function cgoOnlyNote(
  names: readonly UndefinedName[],
  packages: readonly CgoPackage[],
): { readonly detail: string; readonly hint: string } | null {
  const hits: { name: string; pkg: CgoPackage }[] = []
  for (const n of names) {
    const pkg = packages.find(
      (p) => (n.qualifier === null ? p.own : p.name === n.qualifier) && new RegExp(`\\b${n.name}\\b`).test(p.cgoText),
    )
    if (pkg !== undefined) hits.push({ name: n.name, pkg })
  }
  if (hits.length === 0) return null
  const lines = hits.map(({ name, pkg }) => {
    const where = pkg.own ? `the service's own package ${pkg.importPath}` : `${pkg.importPath}`
    const module = pkg.module === null || pkg.module === pkg.importPath ? '' : ` (module ${pkg.module})`
    return `${name} is declared only in the cgo files of ${where}${module}`
  })
  const modules = [...new Set(hits.filter((h) => !h.pkg.own).map((h) => h.pkg.module ?? h.pkg.importPath))]
  const are = modules.length === 1 ? 'is a cgo module' : 'are cgo modules'
  return {
    detail:
      `${lines.join('; ')}: a CGO_ENABLED=0 build leaves those files out` +
      (modules.length === 0 ? '' : `, so ${modules.join(', ')} ${are}`),
    hint:
      `build with cgo: ${hint('cgo')} (a static musl build with zig or musl-gcc); ` +
      'or use only what the package has without cgo',
  }
}
