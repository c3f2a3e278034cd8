// Where a binary's bytes go: every byte of the file is counted exactly once,
// as code of a Go package (the function table gives each function's start,
// and survives stripping), as a section or header the table does not split
// (.rodata, .gopclntab, ...), or as unattributed. Data has no owner once the
// symbol table is stripped, so it stays with its section rather than being
// guessed onto a package.
import { isGostaticError } from '../errors.js'
import { SHT_NOBITS, parseElf } from './elf-headers.js'
import type { ParsedElf } from './elf-headers.js'
import type { GoBuildInfo } from './go-buildinfo.js'
import { readGoFuncTable } from './go-pclntab.js'
import type { GoFuncTable } from './go-pclntab.js'
import { moduleResolver, ownerOfSymbol } from './go-symbol-package.js'
import type { ByteAttribution, ModuleBytes, PartBytes } from './inspect-report.js'
import { isUpxPacked } from './upx-detect.js'

/** Reads the function table itself; a damaged one leaves the code unattributed and says why. */
export function attributeBytes(bytes: Uint8Array, go: GoBuildInfo | null): ByteAttribution {
  const elf = parseElf(bytes)
  let table: GoFuncTable | null = null
  let why = 'not a Go binary: there is no function table'
  if (isUpxPacked(elf)) why = 'UPX-packed: the code is compressed'
  else {
    try {
      table = readGoFuncTable(bytes)
    } catch (err) {
      if (!isGostaticError(err)) throw err
      why = `the function table is unreadable: ${err.message}`
    }
  }
  return attribute(elf, table, go, why)
}

type Span = { start: number; end: number; name: string }

function attribute(elf: ParsedElf, table: GoFuncTable | null, go: GoBuildInfo | null, why: string): ByteAttribution {
  const total = elf.data.length
  const parts = fileParts(elf)
  const text = parts.find((p) => p.name === '.text')
  const noText = 'the file has no .text section to place the code in'
  const code = table === null ? why : text === undefined ? noText : fits(table, text)
  const modules = code === null ? codeByModule(table!, go) : []
  const codeBytes = modules.reduce((n, m) => n + m.bytes, 0)
  const sections: PartBytes[] = []
  const unattributed: PartBytes[] = []
  for (const p of parts) {
    if (p === text && code === null) {
      const rest = p.end - p.start - codeBytes
      const name = '.text outside the Go function table (C or assembly code, padding)'
      if (rest > 0) unattributed.push({ name, bytes: rest })
    } else sections.push({ name: p.name, bytes: p.end - p.start })
  }
  const inParts = parts.reduce((n, p) => n + p.end - p.start, 0)
  const gaps = { name: 'between sections (alignment padding) or in no section', bytes: total - inParts }
  if (gaps.bytes > 0) unattributed.push(gaps)
  return {
    total,
    code: code === null ? 'function table' : `not attributed: ${code}`,
    modules,
    sections: sections.sort(byBytes),
    unattributed: unattributed.sort(byBytes),
  }
}

// The headers, the section header table and each section with file bytes,
// clipped so that no byte is counted twice.
function fileParts(elf: ParsedElf): Span[] {
  const spans: Span[] = [{ start: 0, end: elf.headersEnd, name: 'ELF header and program headers' }]
  const sht = sectionTable(elf)
  if (sht !== null) spans.push(sht)
  for (const s of elf.sections) {
    if (s.type === SHT_NOBITS || s.size === 0) continue
    spans.push({ start: s.offset, end: s.offset + s.size, name: s.name === '' ? `section ${s.index}` : s.name })
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end)
  const out: Span[] = []
  let reached = 0
  for (const s of spans) {
    const start = Math.max(s.start, reached)
    const end = Math.min(s.end, elf.data.length)
    if (end > start) out.push({ ...s, start, end })
    reached = Math.max(reached, end)
  }
  return out
}

function sectionTable(elf: ParsedElf): Span | null {
  if (elf.sections.length === 0) return null
  const d = elf.data
  const is64 = elf.header.is64
  const shoff = d.word(is64, is64 ? 40 : 32, 'e_shoff')
  const entsize = d.u16(is64 ? 58 : 46, 'e_shentsize')
  // parseElf checked that the whole table (the null section included) lies in the file.
  return { start: shoff, end: shoff + (elf.sections.length + 1) * entsize, name: 'section header table' }
}

// The table's entries are offsets from .text's start; they must rise and stay inside it.
function fits(t: GoFuncTable, text: Span): string | null {
  const e = t.entries
  for (let i = 1; i < e.length; i++) {
    if (e[i]! < e[i - 1]!) return `the function table lists function ${i} before the one it follows`
  }
  const last = e[e.length - 1] ?? 0
  if (last > text.end - text.start) return `the function table runs ${last - (text.end - text.start)} bytes past .text`
  return null
}

function codeByModule(t: GoFuncTable, go: GoBuildInfo | null): ModuleBytes[] {
  const moduleOf = moduleResolver(go)
  const mods = new Map<string, { m: Omit<ModuleBytes, 'bytes' | 'packages'>; pkgs: Map<string, [number, number]> }>()
  t.functions.forEach((name, i) => {
    const size = t.entries[i + 1]! - t.entries[i]!
    const owner = ownerOfSymbol(name)
    const m =
      owner.kind === 'package'
        ? moduleOf(owner.path)
        : { path: '(compiler-generated)', version: null, role: 'generated' as const }
    const pkg = owner.kind === 'package' ? owner.path : owner.what
    const entry = mods.get(m.path) ?? { m, pkgs: new Map<string, [number, number]>() }
    mods.set(m.path, entry)
    const [bytes, functions] = entry.pkgs.get(pkg) ?? [0, 0]
    entry.pkgs.set(pkg, [bytes + size, functions + 1])
  })
  return [...mods.values()]
    .map(({ m, pkgs }) => {
      const packages = [...pkgs].map(([path, [bytes, functions]]) => ({ path, bytes, functions })).sort(byBytes)
      return { ...m, bytes: packages.reduce((n, p) => n + p.bytes, 0), packages }
    })
    .sort(byBytes)
}

function byBytes(a: { bytes: number }, b: { bytes: number }): number {
  return b.bytes - a.bytes
}
