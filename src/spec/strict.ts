// A strict object whose unknown-key error lists the keys it takes and, for a
// likely typo, the one that was meant: 'platfrom' → did you mean 'platforms'?
import { z } from 'zod'

export function strict<S extends z.ZodRawShape>(shape: S) {
  const known = Object.keys(shape)
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? unknownKeys(iss.keys, known) : undefined),
  })
}

export function unknownKeys(keys: readonly string[], known: readonly string[]): string {
  const guesses = keys.map((k) => [k, closest(k, known)] as const).filter(([, g]) => g !== undefined)
  const hint = guesses.map(([k, g]) => `did you mean '${g}' for '${k}'?`).join(' ')
  return (
    `unknown ${keys.length === 1 ? 'key' : 'keys'} ${keys.map((k) => `'${k}'`).join(', ')}` +
    `${hint ? ` (${hint})` : ''}; allowed: ${known.join(', ')}`
  )
}

/** The nearest known key, when it is a typo away (or shares the first four letters). */
function closest(key: string, known: readonly string[]): string | undefined {
  const scored = known
    .map((k) => [k, distance(key.toLowerCase(), k.toLowerCase())] as const)
    .sort((a, b) => a[1] - b[1])
  const best = scored[0]
  if (best === undefined) return undefined
  if (best[1] <= Math.min(2, Math.max(1, Math.floor(key.length / 3)))) return best[0]
  return known.find((k) => key.length >= 4 && k.toLowerCase().startsWith(key.toLowerCase().slice(0, 4)))
}

/** Edit distance where swapping two neighbouring letters counts once, as typos do. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  return d[a.length]![b.length]!
}
