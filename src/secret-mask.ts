// Secrets must not reach a message. Every secret value gostatic reads is
// remembered here for the life of the process, and every GostaticError's text
// is masked against them; a tool's quoted output (ToolError) also loses the
// credentials in its URLs: user info, and the value of every query parameter
// (GOPROXY=https://proxy/?token=… is a common way to authenticate).
// Imports nothing: errors.ts, which everything imports, uses it.

export const MASK = '***'

// Shorter values would mask ordinary words in every message.
const MIN_SECRET = 4
const known = new Set<string>()

/** Masks `value` from now on, and the credentials in it when it is a .netrc (login, password, account). */
export function rememberSecret(value: string): void {
  const add = (v: string) => {
    if (v.trim().length >= MIN_SECRET) known.add(v.trim())
  }
  add(value)
  // A PEM's armour lines are no secret, and would mask the text of every message about keys.
  for (const line of value.split(/\r?\n/)) if (!line.startsWith('-----')) add(line)
  const words = value.split(/\s+/)
  words.forEach((w, i) => {
    if (/^(login|password|account)$/.test(w) && words[i + 1] !== undefined) add(words[i + 1]!)
  })
}

/** `text` with every remembered secret value and URL user info replaced by ***. */
export function maskSecrets(text: string): string {
  let out = text
  // Longest first, so a value containing another is masked whole.
  for (const v of [...known].sort((a, b) => b.length - a.length)) out = out.split(v).join(MASK)
  return out.replace(URL, (u) => inText(u, maskUserInfo))
}

/** maskSecrets, and the values of query parameters in URLs: for text a tool printed. */
export function maskToolOutput(text: string): string {
  return maskSecrets(text).replace(URL, (u) => inText(u, maskQuery))
}

// A URL as it appears in running text: up to white space, a quote or a bracket; GOPROXY lists split at commas.
const URL = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>()[\],]+/gi

/** Punctuation that ends a sentence after a URL ('…/v1.0.0.mod: 404') is not part of it. */
function inText(match: string, mask: (url: string) => string): string {
  const tail = /[.:;!?]+$/.exec(match)?.[0] ?? ''
  return mask(match.slice(0, match.length - tail.length)) + tail
}

function maskUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]+@/i, `$1${MASK}@`)
}

function maskQuery(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const [query, fragment] = splitOnce(url.slice(q + 1), '#')
  const masked = query.replace(/(^|&)([^=&]*)=[^&]*/g, (_m, sep: string, name: string) => `${sep}${name}=${MASK}`)
  return `${url.slice(0, q + 1)}${masked}${fragment === undefined ? '' : `#${fragment}`}`
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep)
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)]
}
