// What changed between two versions of a file that pins module versions
// (go.mod, go.sum, go.work, go.work.sum, vendor/modules.txt): the module
// paths whose version, replacement or exclusion changed, and whether any
// other directive changed (go, toolchain, module, use, godebug), which
// concerns every package the file governs. Pure: text in, facts out.
import { basename } from 'node:path'

export const MODULE_FILES = ['go.mod', 'go.sum', 'go.work', 'go.work.sum', 'modules.txt'] as const
export type ModuleFileKind = (typeof MODULE_FILES)[number]

export interface ModuleFileChange {
  /** Module paths whose pinned version (or replacement, exclusion) differs. */
  readonly modules: readonly string[]
  /** A directive other than require/replace/exclude/retract changed. */
  readonly structural: boolean
}

/** The kind of a repo-relative path, or null when it pins no module versions. */
export function moduleFileKind(path: string): ModuleFileKind | null {
  const name = basename(path)
  if (name === 'modules.txt') return /(^|\/)vendor\/modules\.txt$/.test(path) ? 'modules.txt' : null
  return (MODULE_FILES as readonly string[]).includes(name) ? (name as ModuleFileKind) : null
}

export function diffModuleFile(kind: ModuleFileKind, before: string, after: string): ModuleFileChange {
  const parse = PARSERS[kind]
  const a = new Set(parse(before))
  const b = new Set(parse(after))
  const changed = [...a].filter((e) => !b.has(e)).concat([...b].filter((e) => !a.has(e)))
  const modules = new Set<string>()
  let structural = false
  for (const e of changed) {
    const [verb, path] = e.split(' ')
    if (verb === 'mod' && path) modules.add(path)
    else if (verb === 'other') structural = true
  }
  return { modules: [...modules].sort(), structural }
}

// Each parser yields normalised entries: 'mod <path> ...' for a module pin, 'other ...' for
// a directive that shapes every package, 'skip ...' for what changes no build (retract).
const PARSERS: Record<ModuleFileKind, (text: string) => string[]> = {
  'go.mod': modDirectives,
  'go.work': modDirectives,
  'go.sum': sumLines,
  'go.work.sum': sumLines,
  'modules.txt': vendorLines,
}

function sumLines(text: string): string[] {
  return lines(text)
    .map((l) => l.split(/\s+/))
    .filter((f) => f.length >= 3)
    .map((f) => `mod ${f.join(' ')}`)
}

/** `# path version [=> replacement]` pins a module; `## explicit` and package lines follow from those and sources. */
function vendorLines(text: string): string[] {
  return lines(text)
    .filter((l) => /^# \S/.test(l))
    .map((l) => `mod ${l.slice(2).trim().split(/\s+/).join(' ')}`)
}

const PIN_VERBS = new Set(['require', 'replace', 'exclude'])

/** go.mod and go.work: one entry per directive, blocks `verb ( ... )` opened up, comments dropped. */
function modDirectives(text: string): string[] {
  const out: string[] = []
  let block: string | null = null
  for (const raw of lines(text)) {
    const l = raw.replace(/\/\/.*$/, '').trim()
    if (l === '') continue
    if (block !== null) {
      if (l === ')') block = null
      else out.push(entry(block, l))
      continue
    }
    const m = /^(\w+)\s*\($/.exec(l)
    if (m) block = m[1]!
    else {
      const [verb, ...rest] = l.split(/\s+/)
      out.push(entry(verb!, rest.join(' ')))
    }
  }
  return out
}

function entry(verb: string, args: string): string {
  const fields = args.split(/\s+/).filter(Boolean)
  if (PIN_VERBS.has(verb) && fields[0]) return `mod ${unquote(fields[0])} ${verb} ${fields.slice(1).join(' ')}`
  return verb === 'retract' ? `skip ${args}` : `other ${verb} ${fields.join(' ')}`
}

const unquote = (s: string) => s.replace(/^"(.*)"$/, '$1')
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
