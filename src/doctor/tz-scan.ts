// Finds time.LoadLocation calls in the main module's own sources. go list
// reports imports, not calls, and every program imports time; a textual scan
// of the files go would compile is cheap and names the zones when they are
// literals. It misses aliased imports of time and calls inside dependencies.
import { readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import type { GoListPackage } from './go-list.js'

export interface TzCall {
  /** file:line relative to the scanned dir, then the call as written. */
  readonly where: string
  /** The zone when the argument is a string literal. */
  readonly zone: string | null
}

const CALL = /\btime\.LoadLocation(?:FromTZData)?\s*\(\s*(?:"([^"\\\n]*)")?/g

export async function scanTzCalls(graph: ReadonlyMap<string, GoListPackage>, dir: string): Promise<TzCall[]> {
  const calls: TzCall[] = []
  for (const p of graph.values()) {
    if (!p.Module?.Main || p.Dir === undefined) continue
    for (const f of p.GoFiles) {
      const path = join(p.Dir, f)
      const lines = (await readFile(path, 'utf8')).split('\n')
      lines.forEach((line, i) => {
        if (/^\s*\/\//.test(line)) return
        for (const m of line.matchAll(CALL))
          calls.push({
            where: `${relative(dir, path)}:${i + 1}: ${m[0]}${m[1] === undefined ? '' : ')'}`,
            zone: m[1] ?? null,
          })
      })
    }
  }
  return calls
}
