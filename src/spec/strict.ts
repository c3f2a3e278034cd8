// A strict object whose unknown-key error lists the keys it takes and, for a
// likely typo, the one that was meant: 'platfrom' → did you mean 'platforms'?
import { z } from 'zod'
import { editDistance } from '../util/edit-distance.js'

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
    .map((k) => [k, editDistance(key.toLowerCase(), k.toLowerCase())] as const)
    .sort((a, b) => a[1] - b[1])
  const best = scored[0]
  if (best === undefined) return undefined
  if (best[1] <= Math.min(2, Math.max(1, Math.floor(key.length / 3)))) return best[0]
  return known.find((k) => key.length >= 4 && k.toLowerCase().startsWith(key.toLowerCase().slice(0, 4)))
}
