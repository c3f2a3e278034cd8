// Parses WWW-Authenticate (RFC 7235): one or more challenges, each a scheme
// and comma-separated auth-params, e.g.
//   Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"
//   Basic realm="Registry Realm"

export interface Challenge {
  /** Lowercased: 'bearer', 'basic', ... */
  readonly scheme: string
  /** Parameter names lowercased; values unquoted. */
  readonly params: Readonly<Record<string, string>>
}

export function parseWwwAuthenticate(header: string | null | undefined): Challenge[] {
  if (!header) return []
  const out: { scheme: string; params: Record<string, string> }[] = []
  let i = 0
  const n = header.length
  const skipWs = () => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++
  }
  const token = (): string => {
    const m = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/.exec(header.slice(i))
    if (!m) return ''
    i += m[0].length
    return m[0]
  }
  while (i < n) {
    skipWs()
    if (header[i] === ',') {
      i++
      continue
    }
    const word = token()
    if (!word) {
      i++ // not a token: skip the character rather than loop forever
      continue
    }
    skipWs()
    if (header[i] === '=' && out.length > 0) {
      // An auth-param of the current challenge.
      i++
      skipWs()
      out[out.length - 1]!.params[word.toLowerCase()] = value()
      continue
    }
    out.push({ scheme: word.toLowerCase(), params: {} })
  }
  return out

  function value(): string {
    if (header![i] !== '"') {
      // Lenient: some registries send an unquoted realm URL, which is no RFC token.
      const m = /^[^,\s]*/.exec(header!.slice(i))![0]
      i += m.length
      return m
    }
    let v = ''
    i++
    while (i < n && header![i] !== '"') {
      if (header![i] === '\\' && i + 1 < n) i++
      v += header![i]
      i++
    }
    i++ // closing quote
    return v
  }
}
