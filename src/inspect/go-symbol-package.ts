// Which Go package and module a function in the function table belongs to,
// from its linker name alone ("net/http.(*Client).Do", "main.main.func1",
// "slices.Sort[go.shape.int]"). The linker escapes dots in the last element
// of a package path ("gopkg.in/yaml%2ev3.Marshal"), so the package ends at
// the first dot after the last slash, once type arguments are set aside.
import type { GoBuildInfo } from './go-buildinfo.js'

/** What a name says about its owner: a package, or code the compiler made itself. */
export type SymbolOwner =
  { readonly kind: 'package'; readonly path: string } | { readonly kind: 'generated'; readonly what: string }

// type:.eq.T, go:buildid and the like since Go 1.20; type..eq.T before it.
const GENERATED = [/^type:/, /^go:/, /^type\.\./]

export function ownerOfSymbol(name: string): SymbolOwner {
  if (GENERATED.some((re) => re.test(name))) return { kind: 'generated', what: name.split(/[.:]/)[0]! }
  let depth = 0
  let lastSlash = -1
  for (let i = 0; i < name.length; i++) {
    const c = name[i]
    if (c === '[') depth++
    else if (c === ']') depth = Math.max(0, depth - 1)
    else if (c === '/' && depth === 0) lastSlash = i
  }
  depth = 0
  for (let i = lastSlash + 1; i < name.length; i++) {
    const c = name[i]
    if (c === '[') depth++
    else if (c === ']') depth = Math.max(0, depth - 1)
    else if (c === '.' && depth === 0 && i > 0) return { kind: 'package', path: unescapePath(name.slice(0, i)) }
  }
  // Assembly entry points such as _rt0_amd64_linux carry no package.
  return { kind: 'generated', what: 'assembly without a package name' }
}

function unescapePath(p: string): string {
  return p.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
}

export type ModuleRole = 'main' | 'dependency' | 'std' | 'unknown'

export interface ModuleOf {
  readonly path: string
  readonly version: string | null
  readonly role: ModuleRole
}

/**
 * The module that provides `pkg`: the main module for package main and its
 * own packages, the dependency with the longest matching path, the standard
 * library for paths whose first element has no dot, else unknown.
 */
export function moduleResolver(go: GoBuildInfo | null): (pkg: string) => ModuleOf {
  const mods: ModuleOf[] = []
  // '(devel)' (a build from a checkout, a local replacement) names no version.
  const version = (v: string | undefined) => (v === undefined || v === '' || v === '(devel)' ? null : v)
  if (go !== null && go.main.path !== '') {
    mods.push({ path: go.main.path, version: version(go.main.version), role: 'main' })
  }
  for (const d of go?.deps ?? []) {
    mods.push({ path: d.path, version: version(d.replace?.version) ?? version(d.version), role: 'dependency' })
  }
  mods.sort((a, b) => b.path.length - a.path.length)
  const main = mods.find((m) => m.role === 'main')
  const std: ModuleOf = { path: 'std', version: go?.goVersion ?? null, role: 'std' }
  const cache = new Map<string, ModuleOf>()
  return (pkg) => {
    const hit = cache.get(pkg)
    if (hit !== undefined) return hit
    let found: ModuleOf | undefined
    if (pkg === 'main') found = main ?? { path: '(main module)', version: null, role: 'main' }
    found ??= mods.find((m) => pkg === m.path || pkg.startsWith(`${m.path}/`))
    found ??= pkg.split('/')[0]!.includes('.') ? { path: '(unknown module)', version: null, role: 'unknown' } : std
    cache.set(pkg, found)
    return found
  }
}
