// Where a CLI command's services come from, found as git and npm find their
// roots: from the folder given, up through its parents, the nearest
// gostatic.config.* wins; else the nearest go.mod, whose module is built with
// the given folder as its main package when that folder is below the root.
import { existsSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { findConfig } from '../index.js'

export type Discovered =
  | { readonly kind: 'config'; readonly file: string }
  | { readonly kind: 'module'; readonly root: string; /** './cmd/api', or '.' at the root. */ readonly main: string }
  | { readonly kind: 'none' }

export function discoverRoot(start: string): Discovered {
  for (let dir = start; ; dir = dirname(dir)) {
    const config = findConfig(dir)
    if (config !== undefined) return { kind: 'config', file: config }
    if (dir === dirname(dir)) break
  }
  return findModule(start) ?? { kind: 'none' }
}

/** The nearest folder holding go.mod, from start up, with start as the main package relative to it. */
export function findModule(start: string): Extract<Discovered, { kind: 'module' }> | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'go.mod'))) {
      const rel = relative(dir, start)
      return { kind: 'module', root: dir, main: rel === '' ? '.' : `./${rel.split(sep).join('/')}` }
    }
    if (dir === dirname(dir)) return undefined
  }
}
