// `--label k=v` and `--annotation k=v`: repeatable, one pair per flag (a value
// may hold commas and '='), each key given once.
import { z } from 'zod'

export function keyValues(flag: string) {
  const takes = `key=value, like ${flag} org.opencontainers.image.vendor=acme (repeatable)`
  return z
    .union([z.string(), z.array(z.string())], { error: `${flag} takes ${takes}` })
    .optional()
    .transform((v, ctx) => {
      const out: Record<string, string> = {}
      for (const pair of v === undefined ? [] : Array.isArray(v) ? v : [v]) {
        const i = pair.indexOf('=')
        const key = i > 0 ? pair.slice(0, i).trim() : ''
        if (key === '') {
          ctx.addIssue({ code: 'custom', message: `${flag} '${pair}' has no key; it takes ${takes}` })
          return z.NEVER
        }
        if (key in out) {
          ctx.addIssue({ code: 'custom', message: `${flag} gives '${key}' twice; give each key once` })
          return z.NEVER
        }
        out[key] = pair.slice(i + 1)
      }
      return out
    })
}
