// The `go` and `toolchain` lines of a go.mod or go.work, read the way Go's
// modfile parser reads them: tokens per line, `//` comments, quoted strings,
// and ( ) blocks, whose lines are never go or toolchain directives.
import { ErrorCode, GostaticError } from '../errors.js'
import type { ModuleFacts } from './module-facts.js'

// Go's own patterns (golang.org/x/mod/modfile GoVersionRE and ToolchainRE).
const GO_VERSION = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$/
const TOOLCHAIN = /^default$|^go1($|\.)/

/** `file` is how the result names the file (relative to the service's source); `shown` is how errors name it. */
export function goModDirectives(text: string, file: string, shown: string = file): ModuleFacts {
  const facts: { go: ModuleFacts['go']; toolchain: ModuleFacts['toolchain'] } = { go: null, toolchain: null }
  let depth = 0
  let seenToolchain = false
  const bad = (n: number, what: string) =>
    new GostaticError(ErrorCode.GO_VERSION, `${shown}:${n}: ${what}`, {
      hint: 'fix the line (go mod edit -go=1.23 / -toolchain=go1.23.4 rewrites it)',
    })
  lines(text).forEach((tokens, i) => {
    const n = i + 1
    if (tokens.length === 0) return
    if (depth > 0) {
      if (tokens[0] === ')') depth--
      return
    }
    if (tokens.at(-1) === '(') return void depth++
    const [verb, ...args] = tokens
    if (verb !== 'go' && verb !== 'toolchain') return
    if (args.length !== 1) throw bad(n, `the ${verb} directive takes exactly one argument, got ${args.length}`)
    const arg = args[0]!
    if (verb === 'go') {
      if (facts.go) throw bad(n, `a second go line (the first is line ${facts.go.line})`)
      if (!GO_VERSION.test(arg)) throw bad(n, `go '${arg}' is not a Go version like 1.23 or 1.23.4`)
      facts.go = { version: arg, line: n }
      return
    }
    if (seenToolchain) throw bad(n, 'a second toolchain line')
    seenToolchain = true
    // `toolchain default` states no preference: the go line decides.
    if (arg === 'default') return
    const version = arg.replace(/^go/, '').replace(/-.*$/, '')
    if (!TOOLCHAIN.test(arg) || !GO_VERSION.test(version))
      throw bad(n, `toolchain '${arg}' is not a Go toolchain name like go1.23.4`)
    facts.toolchain = { name: arg, version, line: n }
  })
  return { file, ...facts }
}

/** The module paths of a go.mod's require directives, one-line and ( ) blocks alike, unquoted. */
export function goModRequires(text: string): string[] {
  const out: string[] = []
  let block: string | null = null
  for (const tokens of lines(text)) {
    if (tokens.length === 0) continue
    if (block !== null) {
      if (tokens[0] === ')') block = null
      else if (block === 'require') out.push(unquote(tokens[0]!))
      continue
    }
    if (tokens.at(-1) === '(') block = tokens[0]!
    else if (tokens[0] === 'require' && tokens.length >= 3) out.push(unquote(tokens[1]!))
  }
  return [...new Set(out)]
}

function unquote(t: string): string {
  return /^(".*"|`.*`)$/.test(t) ? t.slice(1, -1) : t
}

/** Each line's tokens: words, quoted strings kept whole, ( and ) on their own; comments dropped. */
function lines(text: string): string[][] {
  const out: string[][] = [[]]
  let i = 0
  let word = ''
  const flush = () => {
    if (word) out.at(-1)!.push(word)
    word = ''
  }
  while (i < text.length) {
    const c = text[i]!
    if (c === '\n') {
      flush()
      out.push([])
    } else if (c === '/' && text[i + 1] === '/') {
      flush()
      while (i + 1 < text.length && text[i + 1] !== '\n') i++
    } else if (c === '"' || c === '`') {
      // A string ends at its closing quote; an unclosed one at the end of the line (go rejects it; the
      // newline still counts).
      let j = i + 1
      while (j < text.length && text[j] !== c && text[j] !== '\n')
        j += text[j] === '\\' && c === '"' && text[j + 1] !== '\n' ? 2 : 1
      const end = Math.min(j, text.length)
      word += text.slice(i, text[end] === c ? end + 1 : end)
      i = text[end] === c ? end : end - 1
    } else if (c === '(' || c === ')') {
      flush()
      out.at(-1)!.push(c)
    } else if (/\s/.test(c)) flush()
    else word += c
    i++
  }
  flush()
  return out
}
