// The shortest import chain from a main package to any package in a graph,
// so a finding says how the service came to depend on it.
import type { GoListPackage } from './go-list.js'

export type ChainFinder = (target: string) => string[]

/** Breadth-first from the root packages (the ones go list was asked for); unreachable targets get []. */
export function importChains(graph: ReadonlyMap<string, GoListPackage>): ChainFinder {
  const parent = new Map<string, string | null>()
  const queue: string[] = []
  for (const p of graph.values())
    if (!p.DepOnly) {
      parent.set(p.ImportPath, null)
      queue.push(p.ImportPath)
    }
  for (let i = 0; i < queue.length; i++) {
    const from = queue[i]!
    for (const imp of graph.get(from)?.Imports ?? [])
      if (!parent.has(imp) && graph.has(imp)) {
        parent.set(imp, from)
        queue.push(imp)
      }
  }
  return (target) => {
    if (!parent.has(target)) return []
    const chain: string[] = []
    for (let at: string | null | undefined = target; at != null; at = parent.get(at)) chain.unshift(at)
    return chain
  }
}
