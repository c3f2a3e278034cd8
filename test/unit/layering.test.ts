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

const layer = (p: string) => posix.dirname(p).split('/').slice(0, p.startsWith('engines/') ? 2 : 1).join('/')
const graph = importGraph()

describe('import direction', () => {
  it('sees the real graph', () => {
    expect(graph.length).toBeGreaterThan(100)
  })

  it('nothing but engines/build.ts imports the local engine', () => {
    const bad = graph.filter((e) => e.to.startsWith('engines/local/') && !e.from.startsWith('engines/local/') && e.from !== 'engines/build.ts')
    expect(bad).toEqual([])
  })

  it('nothing outside the Dagger engine imports it statically, and its SDK loads lazily', () => {
    const bad = graph.filter((e) => e.to.startsWith('engines/dagger/') && !e.from.startsWith('engines/dagger/'))
    for (const e of bad) {
      const text = readFileSync(join(SRC, e.from), 'utf8')
      // `import type` and `await import(...)` are fine: neither loads the SDK at start-up.
      const staticValue = new RegExp(`^import (?!type )[^\\n]*'[^']*${posix.basename(e.to, '.ts')}\\.js'`, 'm')
      expect(staticValue.test(text), `${e.from} imports ${e.to}`).toBe(false)
    }
  })

  it.each([
    ['oci', ['engines', 'registry', 'workspace', 'cli', 'builder', 'doctor', 'config', 'attest']],
    ['inspect', ['engines', 'registry', 'workspace', 'cli', 'builder', 'doctor', 'config']],
    ['plan', ['engines', 'oci', 'inspect', 'registry', 'workspace', 'cli', 'builder', 'render', 'doctor', 'config']],
    ['spec', ['plan', 'engines', 'oci', 'inspect', 'registry', 'workspace', 'cli', 'builder', 'render', 'doctor']],
    ['verify', ['engines', 'registry', 'workspace', 'cli', 'builder']],
    ['render', ['engines', 'oci', 'registry', 'workspace', 'cli', 'builder']],
    ['registry', ['engines', 'workspace', 'cli', 'builder']],
    ['attest', ['engines', 'registry', 'workspace', 'cli', 'builder', 'doctor', 'config', 'render']],
    // Reporters sit below the builders and the CLI, which both use them; they only read engine events.
    ['progress', ['builder', 'cli', 'workspace', 'config', 'registry', 'doctor', 'engines/local', 'engines/dagger']],
  ])('%s/ imports none of %j', (from, forbidden) => {
    const bad = graph.filter((e) => e.from.startsWith(`${from}/`) && forbidden.some((f) => layer(e.to) === f || layer(e.to).startsWith(`${f}/`)))
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
