// "Did you mean --platform?": the known name closest to a mistyped one, by
// edit distance, when it is close enough to be the likely intent.

/** Levenshtein distance, with a swap of two neighbours counting as one edit (--platfrom). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[a.length]![b.length]!
}

/** The nearest of `known` to `typed`: one it begins (--plat), else the closest within a third of its length. */
export function nearest(typed: string, known: readonly string[]): string | undefined {
  const bare = (s: string) => s.replace(/^-+/, '')
  const t = bare(typed)
  if (t.length >= 3) {
    const begun = known.find((k) => bare(k).startsWith(t))
    if (begun !== undefined) return begun
  }
  let best: { name: string; distance: number } | undefined
  for (const name of known) {
    const distance = editDistance(t, bare(name))
    if (best === undefined || distance < best.distance) best = { name, distance }
  }
  return best !== undefined && best.distance <= Math.max(2, Math.floor(t.length / 3)) ? best.name : undefined
}
