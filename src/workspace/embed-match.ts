// Whether a file is picked up by a package's //go:embed patterns, as go
// reads them: a pattern is a path.Match glob relative to the package folder,
// and a pattern naming a folder embeds the files under it. A file added since
// go list ran is matched too, so a new embedded asset is a change. Pure.

/** `rel` is the file's path relative to the package folder, with '/' separators. */
export function embeddedBy(patterns: readonly string[], rel: string): string | undefined {
  const parts = rel.split('/')
  for (const raw of patterns) {
    const pattern = raw.replace(/^all:/, '')
    const re = globRegExp(pattern)
    // The pattern names the file itself, or one of the folders holding it.
    for (let n = parts.length; n >= 1; n--) if (re.test(parts.slice(0, n).join('/'))) return raw
  }
  return undefined
}

/** Go's path.Match: `*` and `?` stay within a segment, `[...]` is a class (`[^...]` negated), `\` escapes. */
function globRegExp(pattern: string): RegExp {
  let out = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '*') out += '[^/]*'
    else if (c === '?') out += '[^/]'
    else if (c === '\\' && i + 1 < pattern.length) out += escape(pattern[++i]!)
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1)
      if (end === -1) return /(?!)/ // a malformed pattern matches nothing, as go refuses it
      // Go negates with '^' as RegExp does; a class never matches the separator.
      out += `(?!/)[${pattern.slice(i + 1, end)}]`
      i = end
    } else out += escape(c)
  }
  return new RegExp(`^${out}$`)
}

const escape = (c: string) => c.replace(/[.+^${}()|[\]\\/*?]/g, '\\$&')
