// The module info text Go embeds in every module-mode binary, parsed with the
// rules of runtime/debug.ParseBuildInfo so that we accept and reject exactly
// what `go version -m` does.
import { malformed } from './elf-bytes.js'
import { goUnquote, quotedPrefix } from './go-quote.js'

export interface GoModule {
  readonly path: string
  readonly version: string
  /** The go.sum hash ("h1:..."); absent for the main module and local replacements. */
  readonly sum?: string
}

export interface GoDependency extends GoModule {
  /** Set when go.mod replaced this module (`=>` line), e.g. by a local directory. */
  readonly replace?: GoModule
}

export interface GoBuildInfo {
  /** The toolchain that built it, e.g. "go1.26.1". */
  readonly goVersion: string
  /** Package path of the main package. */
  readonly path: string
  /** The main module; path and version are '' when built outside module mode. */
  readonly main: GoModule
  readonly deps: GoDependency[]
  /** `build` lines: -buildmode, -compiler, -tags, -trimpath, -ldflags, CGO_ENABLED, GOARCH, GOOS, vcs.*, ... */
  readonly settings: Record<string, string>
}

export function parseModInfo(goVersion: string, text: string): GoBuildInfo {
  let path = ''
  let main: GoModule = { path: '', version: '' }
  const deps: GoDependency[] = []
  // Appending through a Map and Object.fromEntries keeps a hostile key such
  // as "__proto__" an ordinary own property.
  const settings = new Map<string, string>()
  // What a following `=>` line replaces: the main module, a dep index, or
  // nothing (a replacement must directly follow its mod/dep line).
  let last: 'main' | number | null = null

  // Like Go, a last line without its newline is ignored.
  const lines = text.split('\n')
  lines.pop()
  for (const [i, line] of lines.entries()) {
    const fail = (why: string): never => {
      throw malformed(`Go module info line ${i + 1} (${JSON.stringify(line)}): ${why}`)
    }
    if (line.startsWith('path\t')) {
      path = line.slice(5)
    } else if (line.startsWith('mod\t')) {
      main = moduleLine(line.slice(4), fail)
      last = 'main'
    } else if (line.startsWith('dep\t')) {
      deps.push(moduleLine(line.slice(4), fail))
      last = deps.length - 1
    } else if (line.startsWith('=>\t')) {
      const elem = line.slice(3).split('\t')
      if (elem.length !== 3) fail(`expected 3 columns for replacement; got ${elem.length}`)
      if (last === null) fail('replacement with no module on previous line')
      const replace = withSum({ path: elem[0] ?? '', version: elem[1] ?? '' }, elem[2] ?? '')
      // Go records a replacement of the main module too, but nothing uses it.
      const dep = typeof last === 'number' ? deps[last] : undefined
      if (typeof last === 'number' && dep !== undefined) deps[last] = { ...dep, replace }
      last = null
    } else if (line.startsWith('build\t')) {
      const [key, value] = buildLine(line.slice(6), fail)
      settings.set(key, value)
    }
  }
  return { goVersion, path, main, deps, settings: Object.fromEntries(settings) }
}

function moduleLine(rest: string, fail: (why: string) => never): GoModule {
  const elem = rest.split('\t')
  if (elem.length !== 2 && elem.length !== 3) fail(`expected 2 or 3 columns; got ${elem.length}`)
  return withSum({ path: elem[0] ?? '', version: elem[1] ?? '' }, elem[2] ?? '')
}

function withSum(m: { path: string; version: string }, sum: string): GoModule {
  return sum === '' ? m : { ...m, sum }
}

// Keys and values are Go-quoted when they contain spaces, tabs, quotes or
// (for keys) '=', e.g. build	-ldflags="-s -w -X main.v=1".
function buildLine(kv: string, fail: (why: string) => never): [string, string] {
  if (kv.length === 0) fail("build line missing '='")
  let key: string
  let rawValue: string
  const c0 = kv[0]
  if (c0 === '=') fail('build line with missing key')
  if (c0 === '"' || c0 === '`') {
    const rawKey = quotedPrefix(kv) ?? fail('invalid quoted key in build line')
    if (kv.length === rawKey.length) fail("build line missing '=' after quoted key")
    if (kv[rawKey.length] !== '=') fail('unexpected character after quoted key')
    key = goUnquote(rawKey) ?? fail('invalid quoted key in build line')
    rawValue = kv.slice(rawKey.length + 1)
  } else {
    const eq = kv.indexOf('=')
    if (eq < 0) fail("build line missing '=' after key")
    key = kv.slice(0, eq)
    rawValue = kv.slice(eq + 1)
    if (/[= \t\r\n"`]/.test(key)) fail(`unquoted key ${JSON.stringify(key)} must be quoted`)
  }
  let value = rawValue
  if (rawValue.startsWith('"') || rawValue.startsWith('`')) {
    value = goUnquote(rawValue) ?? fail('invalid quoted value in build line')
  } else if (/[ \t\r\n"`]/.test(rawValue)) {
    fail(`unquoted value ${JSON.stringify(rawValue)} must be quoted`)
  }
  return [key, value]
}
