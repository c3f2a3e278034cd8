// Plans and image configs list keys in code-point order, so the same input
// always serialises to the same bytes.
export function sortedEntries<V>(o: Readonly<Record<string, V>>): [string, V][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

export function sortKeys<V>(o: Readonly<Record<string, V>>): Record<string, V> {
  return Object.fromEntries(sortedEntries(o))
}
