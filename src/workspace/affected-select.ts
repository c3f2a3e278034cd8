// Which services a set of changed files concerns, and why. Pure: the
// services' inputs (their `go list -deps` closures, the files their specs
// copy in, the config) and the changes (paths, and for files that pin module
// versions, which modules moved) come in; the selection and one reason per
// selected service come out. Git and go are asked at the edges (affected.ts).
import { posix, relative, sep } from 'node:path'
import { embeddedBy } from './embed-match.js'
import type { ModuleFileChange } from './module-file-diff.js'

/** One package of a service's closure, as go list reported it (paths absolute). */
export interface ClosurePackage {
  readonly importPath: string
  readonly dir: string
  readonly module: { readonly path: string; readonly dir: string | null } | null
  /** Every file go considered: sources of any kind, embedded files, files excluded by build constraints. */
  readonly files: readonly string[]
  readonly embedPatterns: readonly string[]
  /** go list could not load it: the service is selected, since its inputs are unknown. */
  readonly error: string | null
}

export interface ServiceInputs {
  readonly name: string
  /** The main package folder, relative to the workspace root ('/' separators): what a CI matrix gets. */
  readonly path: string
  /** Null when the service's spec does not plan: it is always selected, and its build reports why. */
  readonly closure: readonly ClosurePackage[] | null
  /** Files outside the closure that shape the image (absolute): copy(), caCertificates, the config and its imports. */
  readonly extra: readonly { readonly file: string; readonly why: 'config' | 'copied' }[]
}

export interface Changes {
  /** The repository's top folder (absolute); `files` are relative to it, '/' separators, sorted. */
  readonly top: string
  readonly files: readonly string[]
  /** For changed files that pin module versions (go.mod, go.sum, go.work, vendor/modules.txt): what moved. */
  readonly moduleFiles: ReadonlyMap<string, ModuleFileChange>
}

export type Why = 'source' | 'embed' | 'module-version' | 'module-directive' | 'config' | 'copied' | 'unloadable'
export interface Reason {
  readonly why: Why
  /** The first changed file that selects the service (repo-relative), or null when its inputs are unknown. */
  readonly file: string | null
  /** The package of the service's closure that pulls the file in. */
  readonly package: string | null
  /** For a module version change: the module whose version moved. */
  readonly module?: string
  readonly detail?: string
}
export interface Affected {
  readonly name: string
  readonly path: string
  readonly reason: Reason
}

// A file of one of these kinds in a package folder is a source of it even when go did not list it (added, deleted).
const SOURCE_EXT = /\.(go|c|cc|cpp|cxx|h|hh|hpp|hxx|m|s|S|sx|f|F|for|f90|swig|swigcxx|syso)$/

export function selectAffected(services: readonly ServiceInputs[], changes: Changes): Affected[] {
  const out: Affected[] = []
  for (const s of services) {
    const reason = firstReason(s, changes)
    if (reason) out.push({ name: s.name, path: s.path, reason })
  }
  return out
}

function firstReason(s: ServiceInputs, c: Changes): Reason | undefined {
  if (s.closure === null) return { why: 'unloadable', file: null, package: null, detail: 'its spec does not plan' }
  const broken = s.closure.find((p) => p.error !== null)
  if (broken) return { why: 'unloadable', file: null, package: broken.importPath, detail: broken.error! }
  const extra = new Map(s.extra.map((e) => [toRel(c.top, e.file), e.why]))
  const byDir = new Map<string, ClosurePackage[]>()
  for (const p of s.closure) {
    const rel = toRel(c.top, p.dir)
    if (rel.startsWith('../')) continue // outside the repository: pinned by module versions instead
    byDir.set(rel, [...(byDir.get(rel) ?? []), p])
  }
  for (const file of c.files) {
    const mod = c.moduleFiles.get(file)
    const hit = mod
      ? moduleReason(s.closure, file, mod, c.top)
      : extra.has(file)
        ? extraReason(file, extra.get(file)!)
        : sourceReason(byDir, file, c.top)
    if (hit) return hit
  }
  return undefined
}

function extraReason(file: string, why: 'config' | 'copied'): Reason {
  return { why, file, package: null }
}

function moduleReason(
  closure: readonly ClosurePackage[],
  file: string,
  m: ModuleFileChange,
  top: string,
): Reason | undefined {
  const moved = new Set(m.modules)
  const p = closure.find((q) => q.module !== null && moved.has(q.module.path))
  if (p) return { why: 'module-version', file, package: p.importPath, module: p.module!.path }
  if (!m.structural) return undefined
  // go.work's directives concern every module it uses; a go.mod's, the packages of its own module.
  const where = parent(file)
  const q =
    posix.basename(file) === 'go.work'
      ? closure[0]
      : closure.find((c) => c.module?.dir != null && toRel(top, c.module.dir) === where)
  return q ? { why: 'module-directive', file, package: q.importPath } : undefined
}

function sourceReason(byDir: ReadonlyMap<string, ClosurePackage[]>, file: string, top: string): Reason | undefined {
  const dir = parent(file)
  const source = SOURCE_EXT.test(file) && !file.endsWith('_test.go')
  for (const p of byDir.get(dir) ?? [])
    if (source || p.files.some((f) => toRel(top, f) === file)) return { why: 'source', file, package: p.importPath }
  // An embedded file can sit in the package folder or any folder below it.
  for (let d: string | null = dir; d !== null; d = d === '' ? null : parent(d))
    for (const p of byDir.get(d) ?? []) {
      const pattern = embeddedBy(p.embedPatterns, d === '' ? file : file.slice(d.length + 1))
      if (pattern) return { why: 'embed', file, package: p.importPath, detail: `//go:embed ${pattern}` }
    }
  return undefined
}

/** The folder of a repo-relative path, '' for the top. */
const parent = (rel: string) => (rel.includes('/') ? posix.dirname(rel) : '')

/** `abs` relative to the top folder, with '/' separators ('' for the top itself). */
export function toRel(top: string, abs: string): string {
  return relative(top, abs).split(sep).join('/')
}

/** One line per selected service, as `gostatic affected` prints it. */
export function reasonText(r: Reason): string {
  const via = r.package ? ` (package ${r.package})` : ''
  const texts: Record<Why, () => string> = {
    source: () => `${r.file} changed${via}`,
    embed: () => `${r.file} changed, embedded by ${r.detail}${via}`,
    'module-version': () => `${r.file}: module ${r.module} changed version${via}`,
    'module-directive': () => `${r.file}: a go directive changed${via}`,
    config: () => `${r.file} changed (the config or a file it imports)`,
    copied: () => `${r.file} changed (copied into the image)`,
    unloadable: () => `inputs unknown: ${r.detail}${via}`,
  }
  return texts[r.why]()
}
