// Go's strconv quoting, as used for `build` keys and values in module info
// (e.g. -ldflags="-X 'main.v=a b'"). JSON.parse is not enough: Go strings
// also have \a, \v, \xNN (a raw byte), octal \NNN, \U and `raw` literals.

const SIMPLE: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 }
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: false })

/** strconv.Unquote: the value of s when all of s is one quoted Go string, else undefined. */
export function goUnquote(s: string): string | undefined {
  const r = unquote(s)
  return r !== undefined && r.rest === '' ? r.value : undefined
}

/** strconv.QuotedPrefix: the quoted string at the start of s, quotes included, else undefined. */
export function quotedPrefix(s: string): string | undefined {
  const r = unquote(s)
  return r === undefined ? undefined : s.slice(0, s.length - r.rest.length)
}

function unquote(s: string): { value: string; rest: string } | undefined {
  if (s.length < 2) return undefined
  if (s[0] === '`') {
    const end = s.indexOf('`', 1)
    if (end < 0) return undefined
    // Go drops carriage returns inside raw strings.
    return { value: s.slice(1, end).replaceAll('\r', ''), rest: s.slice(end + 1) }
  }
  if (s[0] !== '"') return undefined
  const out: number[] = []
  let i = 1
  while (i < s.length && s[i] !== '"') {
    const c = s[i]!
    if (c === '\n') return undefined
    if (c !== '\\') {
      // Whole code points, so a surrogate pair is encoded as one character.
      const cp = s.codePointAt(i)!
      const ch = String.fromCodePoint(cp)
      out.push(...encoder.encode(ch))
      i += ch.length
      continue
    }
    const esc = s[i + 1]
    if (esc === undefined) return undefined
    const simple = SIMPLE[esc]
    if (simple !== undefined) {
      out.push(simple)
      i += 2
    } else if (esc === 'x' || esc === 'u' || esc === 'U') {
      const n = esc === 'x' ? 2 : esc === 'u' ? 4 : 8
      const digits = s.slice(i + 2, i + 2 + n)
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits)) return undefined
      const v = parseInt(digits, 16)
      if (esc === 'x') out.push(v)
      else if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return undefined
      else out.push(...encoder.encode(String.fromCodePoint(v)))
      i += 2 + n
    } else if (esc >= '0' && esc <= '7') {
      const digits = s.slice(i + 1, i + 4)
      if (!/^[0-7]{3}$/.test(digits)) return undefined
      const v = parseInt(digits, 8)
      if (v > 255) return undefined
      out.push(v)
      i += 4
    } else {
      return undefined
    }
  }
  if (i >= s.length) return undefined
  return { value: decoder.decode(new Uint8Array(out)), rest: s.slice(i + 1) }
}
