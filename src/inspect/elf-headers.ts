// Raw ELF header, program header and section header tables, bounds-checked.
// This is the shared layer under readElf() and readGoBuildInfo(); it decodes
// structure only and draws no conclusions.
import { ElfBytes, hex, malformed } from './elf-bytes.js'

export const PT_LOAD = 1
export const PT_DYNAMIC = 2
export const PT_INTERP = 3
/** Segment flags (p_flags): executable, writable. */
export const PF_X = 1
export const PF_W = 2
export const SHT_SYMTAB = 2
export const SHT_DYNAMIC = 6
export const SHT_NOBITS = 8

// Sentinels of the gABI "extended numbering" for objects with >= 0xff00
// sections or 0xffff program headers: the real value lives in section 0.
const PN_XNUM = 0xffff
const SHN_XINDEX = 0xffff

/** A range of the file's bytes, with what it is for messages ('section .go.buildinfo'). */
export interface Region {
  readonly offset: number
  readonly size: number
  readonly what: string
}

export interface ElfHeader {
  readonly is64: boolean
  readonly little: boolean
  readonly osabi: number
  readonly type: number
  readonly machine: number
}

export interface ProgramHeader {
  readonly index: number
  readonly type: number
  readonly flags: number
  readonly offset: number
  readonly vaddr: number
  readonly filesz: number
  readonly memsz: number
  readonly align: number
}

export interface SectionHeader {
  readonly index: number
  readonly name: string
  readonly type: number
  readonly offset: number
  readonly size: number
  readonly link: number
}

/** How messages name a section: by index, plus its name when it has one. */
export function describeSection(s: SectionHeader): string {
  return s.name === '' ? `section ${s.index}` : `section ${s.index} (${s.name})`
}

export interface ParsedElf {
  readonly header: ElfHeader
  readonly data: ElfBytes
  /** End of the ELF header and program header table: where UPX puts its l_info. */
  readonly headersEnd: number
  readonly programs: readonly ProgramHeader[]
  /** Excludes the null section at index 0. Empty when there is no section header table. */
  readonly sections: readonly SectionHeader[]
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46]

export function parseElf(bytes: Uint8Array): ParsedElf {
  if (bytes.length < 4 || ELF_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw malformed('not an ELF file: bad magic')
  }
  const cls = bytes.length > 4 ? bytes[4] : undefined
  const enc = bytes.length > 5 ? bytes[5] : undefined
  if (cls !== 1 && cls !== 2)
    throw malformed(`unknown ELF class ${cls ?? '(truncated)'} (expected 1 for ELF32 or 2 for ELF64)`)
  if (enc !== 1 && enc !== 2)
    throw malformed(`unknown ELF data encoding ${enc ?? '(truncated)'} (expected 1 for little or 2 for big endian)`)
  const is64 = cls === 2
  const d = new ElfBytes(bytes, enc === 1)
  const ehsize = is64 ? 64 : 52
  d.need(0, ehsize, `ELF${is64 ? 64 : 32} header`)

  // Field offsets differ between the classes only after e_entry.
  const at = is64
    ? { phoff: 32, shoff: 40, phentsize: 54, phnum: 56, shentsize: 58, shnum: 60, shstrndx: 62 }
    : { phoff: 28, shoff: 32, phentsize: 42, phnum: 44, shentsize: 46, shnum: 48, shstrndx: 50 }
  const header: ElfHeader = {
    is64,
    little: d.little,
    osabi: d.u8(7, 'e_ident[EI_OSABI]'),
    type: d.u16(16, 'e_type'),
    machine: d.u16(18, 'e_machine'),
  }
  const phoff = d.word(is64, at.phoff, 'e_phoff')
  const shoff = d.word(is64, at.shoff, 'e_shoff')
  const phentsize = d.u16(at.phentsize, 'e_phentsize')
  let phnum = d.u16(at.phnum, 'e_phnum')
  const shentsize = d.u16(at.shentsize, 'e_shentsize')
  let shnum = d.u16(at.shnum, 'e_shnum')
  let shstrndx = d.u16(at.shstrndx, 'e_shstrndx')

  // A zero e_shoff means "no section header table" (UPX and sstrip leave it so).
  const hasShdrs = shoff !== 0
  if (hasShdrs) {
    const min = is64 ? 64 : 40
    if (shentsize < min)
      throw malformed(`e_shentsize is ${shentsize}, smaller than an ELF${is64 ? 64 : 32} section header (${min} bytes)`)
    d.needTable(shoff, 1, shentsize, 'section header table')
    if (shnum === 0) shnum = sectionField(d, is64, shoff, 'size')
    if (shstrndx === SHN_XINDEX) shstrndx = sectionField(d, is64, shoff, 'link')
    if (phnum === PN_XNUM) phnum = sectionField(d, is64, shoff, 'info')
  } else {
    shnum = 0
  }

  let headersEnd = ehsize
  const programs: ProgramHeader[] = []
  if (phnum > 0) {
    const min = is64 ? 56 : 32
    if (phentsize < min)
      throw malformed(`e_phentsize is ${phentsize}, smaller than an ELF${is64 ? 64 : 32} program header (${min} bytes)`)
    d.needTable(phoff, phnum, phentsize, 'program header table')
    headersEnd = Math.max(headersEnd, phoff + phnum * phentsize)
    for (let i = 0; i < phnum; i++) programs.push(programHeader(d, is64, phoff + i * phentsize, i))
  }

  const sections: SectionHeader[] = []
  if (shnum > 0) {
    d.needTable(shoff, shnum, shentsize, 'section header table')
    if (shstrndx !== 0 && shstrndx >= shnum) {
      throw malformed(`e_shstrndx ${shstrndx} is out of range (${shnum} sections)`)
    }
    const strtab = shstrndx === 0 ? undefined : rawSection(d, is64, shoff + shstrndx * shentsize, shstrndx)
    if (strtab !== undefined) d.need(strtab.offset, strtab.size, `section name string table (section ${shstrndx})`)
    for (let i = 1; i < shnum; i++) {
      const raw = rawSection(d, is64, shoff + i * shentsize, i)
      let name = ''
      if (strtab !== undefined) {
        if (raw.nameOffset >= strtab.size) {
          throw malformed(
            `section ${i} name offset ${hex(raw.nameOffset)} is outside the section name string table ` +
              `(${strtab.size} bytes)`,
          )
        }
        name = d.cstr(strtab.offset + raw.nameOffset, strtab.offset + strtab.size, `name of section ${i}`)
      }
      sections.push({ index: i, name, type: raw.type, offset: raw.offset, size: raw.size, link: raw.link })
    }
  }
  return { header, data: d, headersEnd, programs, sections }
}

function programHeader(d: ElfBytes, is64: boolean, base: number, index: number): ProgramHeader {
  const f = (name: string): string => `program header ${index} ${name}`
  if (is64) {
    return {
      index,
      type: d.u32(base, f('p_type')),
      flags: d.u32(base + 4, f('p_flags')),
      offset: d.u64(base + 8, f('p_offset')),
      vaddr: d.u64(base + 16, f('p_vaddr')),
      filesz: d.u64(base + 32, f('p_filesz')),
      memsz: d.u64(base + 40, f('p_memsz')),
      align: d.u64(base + 48, f('p_align')),
    }
  }
  return {
    index,
    type: d.u32(base, f('p_type')),
    offset: d.u32(base + 4, f('p_offset')),
    vaddr: d.u32(base + 8, f('p_vaddr')),
    filesz: d.u32(base + 16, f('p_filesz')),
    memsz: d.u32(base + 20, f('p_memsz')),
    flags: d.u32(base + 24, f('p_flags')),
    align: d.u32(base + 28, f('p_align')),
  }
}

interface RawSection {
  nameOffset: number
  type: number
  offset: number
  size: number
  link: number
}

function rawSection(d: ElfBytes, is64: boolean, base: number, index: number): RawSection {
  const f = (name: string): string => `section ${index} ${name}`
  return is64
    ? {
        nameOffset: d.u32(base, f('sh_name')),
        type: d.u32(base + 4, f('sh_type')),
        offset: d.u64(base + 24, f('sh_offset')),
        size: d.u64(base + 32, f('sh_size')),
        link: d.u32(base + 40, f('sh_link')),
      }
    : {
        nameOffset: d.u32(base, f('sh_name')),
        type: d.u32(base + 4, f('sh_type')),
        offset: d.u32(base + 16, f('sh_offset')),
        size: d.u32(base + 20, f('sh_size')),
        link: d.u32(base + 24, f('sh_link')),
      }
}

function sectionField(d: ElfBytes, is64: boolean, shoff: number, field: 'size' | 'link' | 'info'): number {
  const off = is64 ? { size: 32, link: 40, info: 44 }[field] : { size: 20, link: 24, info: 28 }[field]
  const what = `section 0 sh_${field} (extended numbering)`
  return field === 'size' ? d.word(is64, shoff + off, what) : d.u32(shoff + off, what)
}
