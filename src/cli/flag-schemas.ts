// Flag value schemas. Values arrive as typed (see raw-flags.ts): a string,
// or several strings when the flag was repeated. Each error names the flag
// and says what it takes.
import { z } from 'zod'

const q = (s: string) => `'${s}'`

/** What a value flag arrives as: absent, one string, or several when it was repeated. */
function flagValues(flag: string, takes: string) {
  return z.union([z.string(), z.array(z.string())], { error: `${flag} takes ${takes}` }).optional()
}

/** A flag given at most once, with a non-empty value. */
export function single(flag: string, takes: string) {
  return flagValues(flag, takes).transform((v, ctx) => {
    if (Array.isArray(v)) {
      ctx.addIssue({
        code: 'custom',
        message: `${flag} is given ${v.length} times (${v.map(q).join(', ')}); give it once`,
      })
      return z.NEVER
    }
    if (v !== undefined && v.trim() === '') {
      ctx.addIssue({ code: 'custom', message: `${flag} is empty; it takes ${takes}` })
      return z.NEVER
    }
    return v
  })
}

/** A flag that may be given alone (true) or with one non-empty value, like `--push [ref]`. */
export function singleOrAlone(flag: string, takes: string) {
  const one = single(flag, takes)
  return z
    .union([z.literal(true), z.string(), z.array(z.union([z.string(), z.literal(true)]))], {
      error: `${flag} takes ${takes}, or no value`,
    })
    .optional()
    .transform((v, ctx): true | string | undefined => {
      if (v === true) return true
      const r = one.safeParse(v)
      if (r.success) return r.data
      for (const i of r.error.issues) ctx.addIssue({ code: 'custom', message: i.message })
      return z.NEVER
    })
}

/** A repeatable, comma-separated flag: every item non-empty. */
export function list(flag: string, takes: string) {
  return flagValues(flag, takes).transform((v, ctx) => {
    const given = v === undefined ? [] : Array.isArray(v) ? v : [v]
    const items = given.flatMap((x) => x.split(',').map((s) => s.trim()))
    if (given.length > 0 && items.some((s) => s === '')) {
      const what = given.length === 1 ? q(given[0]!) : given.map(q).join(', ')
      ctx.addIssue({
        code: 'custom',
        message: `${flag} ${what} has an empty item; it takes ${takes}, comma-separated or repeated`,
      })
      return z.NEVER
    }
    return items
  })
}

/** A whole number from `min` up, given once. */
export function count(flag: string, min: number) {
  return single(flag, `a whole number from ${min} up`).transform((v, ctx) => {
    if (v === undefined) return undefined
    if (!/^-?\d+$/.test(v.trim()) || Number(v) < min) {
      ctx.addIssue({ code: 'custom', message: `${flag} takes a whole number from ${min} up; got ${q(v)}` })
      return z.NEVER
    }
    return Number(v)
  })
}

/** SBOM formats, comma-separated or repeated, or 'none': what `.sbom(...)` takes (false for none). */
export function sbomFormats(flag: string, formats: readonly string[]) {
  const takes = `${formats.map(q).join(', ')} (comma-separated for several) or 'none'`
  return list(flag, takes).transform((items, ctx) => {
    if (items.length === 0) return undefined
    const unknown = items.filter((i) => i !== 'none' && !formats.includes(i))
    if (unknown.length > 0 || (items.includes('none') && items.length > 1)) {
      const why = unknown.length > 0 ? `unknown format ${unknown.map(q).join(', ')}` : "'none' goes alone"
      ctx.addIssue({ code: 'custom', message: `${flag} ${items.join(',')}: ${why}; it takes ${takes}` })
      return z.NEVER
    }
    return items.includes('none') ? false : [...new Set(items)]
  })
}

/** A repeatable `main=path` flag (no comma-splitting: a path may hold a comma), split at the first '='. */
export function pairs(flag: string, takes: string) {
  return flagValues(flag, takes).transform((v, ctx) => {
    const given = v === undefined ? [] : Array.isArray(v) ? v : [v]
    const out: { main: string; path: string }[] = []
    for (const g of given) {
      const i = g.indexOf('=')
      if (i <= 0 || i === g.length - 1) {
        ctx.addIssue({ code: 'custom', message: `${flag} ${q(g)} is not main=path; it takes ${takes}` })
        return z.NEVER
      }
      out.push({ main: g.slice(0, i), path: g.slice(i + 1) })
    }
    return out
  })
}
