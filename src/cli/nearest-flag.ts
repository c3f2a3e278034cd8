// "Did you mean --platform?": the known name closest to a mistyped one, by
// edit distance, when it is close enough to be the likely intent.
import { editDistance } from '../util/edit-distance.js'

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
