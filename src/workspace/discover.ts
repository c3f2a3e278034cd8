// Finds what a workspace holds: go.work's modules, the module of each main
// package folder, and the folders a discover pattern names.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { ErrorCode, GostaticError } from '../errors.js'

export interface ServiceLocation {
  /** Service name: the package folder's name. */
  readonly name: string
  /** The module folder (holds go.mod): the service's source. */
  readonly moduleDir: string
  /** Main package relative to the module, e.g. './services/api'. */
  readonly main: string
}

/** The `use` folders of root/go.work, or null when there is no go.work. */
export function workModules(root: string): string[] | null {
  const file = join(root, 'go.work')
  if (!existsSync(file)) return null
  const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '')
  const uses: string[] = []
  for (const m of text.matchAll(/^\s*use\s*(\(([^)]*)\)|(\S+))/gm)) {
    const body = m[2] ?? m[3] ?? ''
    for (const d of body.split(/\s+/).filter(Boolean)) uses.push(resolve(root, d.replace(/^"|"$/g, '')))
  }
  return uses
}

/** The nearest folder at or above `dir` (but inside root) holding go.mod. */
export function moduleOf(dir: string, root: string): string {
  let d = resolve(dir)
  const top = resolve(root)
  for (;;) {
    if (existsSync(join(d, 'go.mod'))) return d
    if (d === top || dirname(d) === d) break
    d = dirname(d)
  }
  throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `${relative(top, resolve(dir)) || '.'}: no go.mod at or above it inside the workspace ${top}`, { hint: 'each service folder must be inside a Go module' })
}

export function locate(root: string, serviceDir: string): ServiceLocation {
  const dir = resolve(root, serviceDir)
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `service folder ${serviceDir} does not exist in ${root}`)
  if (!readdirSync(dir).some((f) => f.endsWith('.go'))) throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `service folder ${serviceDir} has no .go files`)
  const moduleDir = moduleOf(dir, root)
  const rel = relative(moduleDir, dir).split(sep).join('/')
  return { name: basename(dir).toLowerCase(), moduleDir, main: rel === '' ? '.' : `./${rel}` }
}

/** Expands a pattern like 'cmd/*' or 'services/*' (one `*` per path segment) to folders holding .go files. */
export function discover(root: string, pattern: string): string[] {
  let dirs = [resolve(root)]
  for (const seg of pattern.split('/').filter(Boolean)) {
    const next: string[] = []
    for (const d of dirs) {
      if (!seg.includes('*')) {
        if (existsSync(join(d, seg))) next.push(join(d, seg))
        continue
      }
      const re = new RegExp(`^${seg.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`)
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory() && re.test(e.name) && !e.name.startsWith('.') && e.name !== 'vendor') next.push(join(d, e.name))
    }
    dirs = next
  }
  return dirs.filter(isMainPackage).map((d) => relative(resolve(root), d)).sort()
}

function isMainPackage(dir: string): boolean {
  return readdirSync(dir).some((f) => f.endsWith('.go') && !f.endsWith('_test.go') && /^package main\b/m.test(readFileSync(join(dir, f), 'utf8')))
}
