// readGoFuncTable(): the names in a Go binary's function table (pclntab).
// The runtime needs the table for stack traces and the garbage collector, so
// `-ldflags=-s -w` and `strip --strip-unneeded` keep it: it says which
// functions were linked even when the symbol table is gone. That is how
// gostatic learns what a binary needs at run time (zoneinfo, CA roots, ...).
// Layout as in Go's runtime.pcHeader and debug/gosym, formats of Go 1.18+.
import { decodeBytes, hex, malformed } from './elf-bytes.js'
import type { ElfBytes } from './elf-bytes.js'
import { PF_W, PF_X, PT_LOAD, SHT_NOBITS, parseElf } from './elf-headers.js'
import type { ParsedElf, Region } from './elf-headers.js'
import { isUpxPacked } from './upx-detect.js'

export interface GoFuncTable {
  /** The table's format: 'go1.20' (magic 0xfffffff1, Go 1.20 and newer) or 'go1.18' (0xfffffff0, Go 1.18 and 1.19). */
  readonly format: 'go1.18' | 'go1.20'
  /** Where it was found: a section, or (section headers removed) a segment scanned for its header. */
  readonly location: string
  readonly ptrSize: 4 | 8
  /** The instruction size quantum: 1 on x86, 4 on arm and arm64. */
  readonly quantum: number
  /** Functions with code, in table (address) order: what debug/gosym lists as Table.Funcs. */
  readonly functions: string[]
  /**
   * Every name in the function name table, in table order: the functions,
   * and the functions that were only inlined into others (they keep a name
   * for stack traces). Evidence that code was linked looks here.
   */
  readonly names: string[]
  /**
   * Where each function's code starts, as an offset from the start of the
   * text (the .text section's address, as debug/gosym takes it), and after
   * the last one where the text ends: functions.length + 1 ascending values.
   * A function runs to the next one's start, alignment padding included.
   * Read as written: a damaged table may list them out of order.
   */
  readonly entries: number[]
}

const MAGIC_GO118 = 0xfffffff0
const MAGIC_GO120 = 0xfffffff1
// Go 1.2-1.15 and 1.16-1.17: another layout, which gostatic (Go 1.18+) never builds.
const OLD_MAGICS = new Set([0xfffffffb, 0xfffffffa])
// pcHeader: magic, two zero pads, quantum, pointer size, then 8 pointer-sized words.
const WORDS = 8

/**
 * The function table of an ELF executable, or null when it has none (not a
 * Go binary) or is UPX-packed (the table is compressed then). Throws
 * GostaticError(ELF_MALFORMED) for a file that is not a well-formed ELF, or
 * whose function table is present but damaged.
 */
export function readGoFuncTable(bytes: Uint8Array): GoFuncTable | null {
  const elf = parseElf(bytes)
  if (isUpxPacked(elf)) return null
  const ptrSize = elf.header.is64 ? 8 : 4
  const sec = elf.sections.find((s) => s.name === '.gopclntab' || s.name === '.data.rel.ro.gopclntab')
  if (sec !== undefined) {
    if (sec.type === SHT_NOBITS) return null
    const region = { offset: sec.offset, size: sec.size, what: `section ${sec.name}` }
    elf.data.need(region.offset, region.size, region.what)
    const magic = elf.data.u32(region.offset, `${region.what} magic`)
    if (OLD_MAGICS.has(magic)) {
      throw malformed(
        `${region.what} has the function table format of Go releases before 1.18, which gostatic does not read`,
      )
    }
    return parseTable(elf.data, region, ptrSize)
  }
  return scanSegments(elf, ptrSize)
}

// Without section headers (sstrip, or a hand-edited file) there is no symbol
// to find the table by either; its header is distinctive enough to scan for.
// The linker puts it in the read-only data segment (the RELRO one for PIE),
// so those go first, and a header must check out before it is trusted.
function scanSegments(elf: ParsedElf, ptrSize: 4 | 8): GoFuncTable | null {
  const d = elf.data
  const loads = elf.programs.filter((p) => p.type === PT_LOAD && p.filesz > 0)
  const rank = (flags: number): number => ((flags & PF_X) !== 0 ? 2 : (flags & PF_W) !== 0 ? 1 : 0)
  const ordered = [...loads].sort((a, b) => rank(a.flags) - rank(b.flags) || a.index - b.index)
  let firstError: unknown
  for (const seg of ordered) {
    const what = `segment (program header ${seg.index})`
    d.need(seg.offset, seg.filesz, what)
    const end = seg.offset + seg.filesz
    for (const at of headerCandidates(d, seg.offset, end, ptrSize)) {
      try {
        return parseTable(d, { offset: at, size: end - at, what: `function table at ${hex(at)} in ${what}` }, ptrSize)
      } catch (err) {
        firstError ??= err
      }
    }
  }
  if (firstError !== undefined) throw firstError
  return null
}

// Offsets of 4-byte-aligned bytes that start like a pcHeader of this file's
// pointer size and byte order. File offsets stand in for addresses: ELF
// requires p_offset ≡ p_vaddr modulo the alignment.
function* headerCandidates(d: ElfBytes, start: number, end: number, ptrSize: number): Generator<number> {
  const b = d.bytes
  const last = end - (8 + WORDS * ptrSize)
  // The magic's low byte is 0xf0 or 0xf1 and its other three are 0xff.
  const lowAt = d.little ? 0 : 3
  for (let at = Math.ceil(start / 4) * 4; at <= last; at += 4) {
    if (b[at + 3 - lowAt] !== 0xff || b[at + 1] !== 0xff || b[at + 2] !== 0xff) continue
    const low = b[at + lowAt]!
    if (low !== 0xf0 && low !== 0xf1) continue
    if (b[at + 4] !== 0 || b[at + 5] !== 0 || b[at + 7] !== ptrSize) continue
    yield at
  }
}

function parseTable(d: ElfBytes, r: Region, ptrSize: 4 | 8): GoFuncTable {
  const at = (rel: number): number => r.offset + rel
  const magic = d.u32(at(0), `${r.what} magic`)
  if (magic !== MAGIC_GO118 && magic !== MAGIC_GO120) {
    throw malformed(
      `${r.what} starts with ${hex(magic)}, not a Go 1.18+ function table magic (0xfffffff0 or 0xfffffff1)`,
    )
  }
  if (d.u8(at(4), `${r.what} pad`) !== 0 || d.u8(at(5), `${r.what} pad`) !== 0) {
    throw malformed(`${r.what} has non-zero header padding`)
  }
  const quantum = d.u8(at(6), `${r.what} instruction quantum`)
  if (quantum !== 1 && quantum !== 2 && quantum !== 4) {
    throw malformed(`${r.what} has instruction quantum ${quantum} (expected 1, 2 or 4)`)
  }
  const size = d.u8(at(7), `${r.what} pointer size`)
  if (size !== ptrSize)
    throw malformed(`${r.what} has pointer size ${size}, but the ELF class uses ${ptrSize}-byte pointers`)

  const word = (i: number, name: string): number => d.word(ptrSize === 8, at(8 + i * ptrSize), `${r.what} ${name}`)
  const nfunc = word(0, 'nfunc')
  const offsets = [
    ['funcnametab', word(3, 'funcnametab offset')],
    ['cutab', word(4, 'cutab offset')],
    ['filetab', word(5, 'filetab offset')],
    ['pctab', word(6, 'pctab offset')],
    ['functab', word(7, 'functab offset')],
  ] as const
  // The linker writes the tables in this order right after the header.
  let prev = 8 + WORDS * ptrSize
  for (const [name, off] of offsets) {
    if (off < prev || off > r.size) {
      throw malformed(
        `${r.what}: the ${name} offset ${hex(off)} is out of order or outside the table (${r.size} bytes)`,
      )
    }
    prev = off
  }
  const names = nameTable(d, at(offsets[0][1]), at(offsets[1][1]), r.what)
  const funcs = functionNames(d, at(offsets[4][1]), r.offset + r.size, nfunc, names.byOffset, r.what)
  return {
    format: magic === MAGIC_GO120 ? 'go1.20' : 'go1.18',
    location: r.what,
    ptrSize,
    quantum,
    functions: funcs.names,
    names: names.list,
    entries: funcs.entries,
  }
}

// funcnametab: NUL-terminated names back to back; a function's nameOff is
// the offset of its name's first byte.
function nameTable(
  d: ElfBytes,
  start: number,
  end: number,
  what: string,
): { list: string[]; byOffset: Map<number, string> } {
  const list: string[] = []
  const byOffset = new Map<number, string>()
  if (end === start) return { list, byOffset }
  const bytes = d.slice(start, end - start, `${what} funcnametab`)
  if (bytes[bytes.length - 1] !== 0) throw malformed(`${what}: the function name table does not end with a NUL`)
  for (let i = 0; i < bytes.length;) {
    const nul = bytes.indexOf(0, i)
    const name = decodeBytes(bytes.subarray(i, nul))
    byOffset.set(i, name)
    list.push(name)
    i = nul + 1
  }
  return { list, byOffset }
}

// functab: nfunc (entry offset, func offset) uint32 pairs and a final entry
// offset; a func offset points at the function's _func record in the same
// table, whose second uint32 is its nameOff.
function functionNames(
  d: ElfBytes,
  functab: number,
  end: number,
  nfunc: number,
  byOffset: Map<number, string>,
  what: string,
): { names: string[]; entries: number[] } {
  const words = 2 * nfunc + 1
  if (words * 4 > end - functab) {
    throw malformed(
      `${what}: ${nfunc} functions do not fit in the function table (${end - functab} bytes after its start)`,
    )
  }
  const out: string[] = []
  const entries: number[] = []
  for (let i = 0; i <= nfunc; i++) {
    entries.push(d.u32(functab + 2 * i * 4, `${what} functab entry ${i}`))
    if (i === nfunc) break
    const funcOff = d.u32(functab + (2 * i + 1) * 4, `${what} functab entry ${i}`)
    const record = functab + funcOff
    if (funcOff > end - functab - 8)
      throw malformed(`${what}: the record of function ${i} (${hex(funcOff)}) is outside the table`)
    const nameOff = d.u32(record + 4, `${what} name offset of function ${i}`)
    const name = byOffset.get(nameOff)
    if (name === undefined) {
      throw malformed(`${what}: function ${i} has name offset ${hex(nameOff)}, which is not the start of a name`)
    }
    out.push(name)
  }
  return { names: out, entries }
}
