// The design's one-way data flow, checked on the real import graph of src/:
// a layer lower in the flow never imports one above it.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, posix, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = resolve(import.meta.dirname, '../../src')

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

/** Every relative import of every file under src/, as paths relative to src/ ('oci/layer.ts'). */
function importGraph(): { from: string; to: string }[] {
  const edges: { from: string; to: string }[] = []
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)\.js'/g)) {
      const to = relative(SRC, resolve(dirname(file), `${m[1]}.ts`)).split('\\').join('/')
      edges.push({ from: relative(SRC, file).split('\\').join('/'), to })
    }
  }
  return edges
}

/** The layer table of ARCHITECTURE.md: folder (or root file) → its rank, lowest first. */
function layerTable(): Map<string, number> {
  const text = readFileSync(resolve(SRC, '../ARCHITECTURE.md'), 'utf8')
  const rows = [...text.matchAll(/^\| (\d+) \| `([^`]+?)\/?` \|/gm)]
  return new Map(rows.map((m) => [m[2]!, Number(m[1])]))
}

/** The layer a source file belongs to: its top folder under src/, or the root file itself. */
const layer = (p: string) => (p.includes('/') ? p.split('/')[0]! : p)
const graph = importGraph()
const table = layerTable()
const folderEdges = [...new Set(graph.filter((e) => layer(e.from) !== layer(e.to)).map((e) => `${layer(e.from)} ${layer(e.to)}`))]
  .map((k) => k.split(' ') as [string, string])

/** Every cycle's folders, found as strongly connected components of more than one folder. */
export function cycles(edges: readonly (readonly [string, string])[]): string[][] {
  const next = new Map<string, string[]>()
  for (const [a, b] of edges) next.set(a, [...(next.get(a) ?? []), b])
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const out: string[][] = []
  const visit = (v: string) => {
    index.set(v, index.size)
    low.set(v, index.get(v)!)
    stack.push(v)
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) !== index.get(v)) return
    const scc: string[] = []
    let w: string
    do scc.push((w = stack.pop()!))
    while (w !== v)
    if (scc.length > 1) out.push(scc.sort())
  }
  for (const v of new Set(edges.flat())) if (!index.has(v)) visit(v)
  return out
}

describe('import direction', () => {
  it('sees the real graph and the layer table', () => {
    expect(graph.length).toBeGreaterThan(100)
    expect(table.size).toBeGreaterThan(15)
  })

  it('every folder and root file under src/ has a row in ARCHITECTURE.md', () => {
    const present = [...new Set(sources(SRC).map((f) => layer(relative(SRC, f).split('\\').join('/'))))]
    expect(present.filter((l) => !table.has(l))).toEqual([])
  })

  it('no folder imports a folder above it in the table', () => {
    const up = folderEdges.filter(([a, b]) => table.get(b)! > table.get(a)!)
    const files = up.flatMap(([a, b]) => graph.filter((e) => layer(e.from) === a && layer(e.to) === b))
    expect(files.map((e) => `${e.from} -> ${e.to}`)).toEqual([])
  })

  it('the folder graph has no cycle', () => {
    expect(cycles(folderEdges)).toEqual([])
  })

  it('finds a cycle added on purpose', () => {
    expect(cycles([...folderEdges, ['spec', 'cli']])).not.toEqual([])
    expect(cycles([['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 'd']])).toEqual([['a', 'b', 'c']])
  })

  it('nothing but engines/build.ts imports the local engine', () => {
    const bad = graph.filter((e) => e.to.startsWith('engines/local/') && !e.from.startsWith('engines/local/') && e.from !== 'engines/build.ts')
    expect(bad).toEqual([])
  })

  it('nothing outside the Dagger engine loads it but through dagger-sdk.ts', () => {
    const bad = graph.filter((e) => e.to.startsWith('engines/dagger/') && !e.from.startsWith('engines/dagger/') && e.to !== 'engines/dagger/dagger-sdk.ts')
    for (const e of bad) {
      const text = readFileSync(join(SRC, e.from), 'utf8')
      // `import type` and `await import(...)` are fine: neither loads the SDK at start-up.
      const staticValue = new RegExp(`^import (?!type )[^\\n]*'[^']*${posix.basename(e.to, '.ts')}\\.js'`, 'm')
      expect(staticValue.test(text), `${e.from} imports ${e.to}`).toBe(false)
    }
  })

  it('cli/ uses only the public API: index.ts, plus errors.ts, hints.ts, version.ts and util/', () => {
    const allowed = (to: string) =>
      ['index.ts', 'errors.ts', 'hints.ts', 'version.ts'].includes(to) || /^(cli|util)\//.test(to)
    const bad = graph.filter((e) => e.from.startsWith('cli/') && !allowed(e.to))
    expect(bad.map((e) => `${e.from} -> ${e.to}`)).toEqual([])
  })

  it('engines/ imports from registry/ only what pulling a base needs', () => {
    const pulls = ['registry/pull-image.ts', 'registry/registry-options.ts']
    const bad = graph.filter((e) => e.from.startsWith('engines/') && e.to.startsWith('registry/') && !pulls.includes(e.to))
    expect(bad).toEqual([])
  })

  it('attest/ is pure: no file, process or network I/O', () => {
    const bad = sources(SRC)
      .filter((f) => relative(SRC, f).startsWith('attest/'))
      .filter((f) => /from 'node:(fs|fs\/promises|child_process|net|http|https|os)'/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f))
    expect(bad).toEqual([])
  })

  it('plan/ and spec/ do no I/O: they import no node: module', () => {
    const bad = sources(SRC)
      .filter((f) => /\/(plan|spec)\//.test(f))
      .filter((f) => /from 'node:/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f))
    expect(bad).toEqual([])
  })
})
