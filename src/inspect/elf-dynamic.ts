// DT_NEEDED entries: the shared libraries the dynamic loader must find before
// the program runs. A binary with any of them cannot start on scratch.
import { hex, malformed } from './elf-bytes.js'
import { PT_DYNAMIC, PT_LOAD, SHT_DYNAMIC, SHT_NOBITS, describeSection } from './elf-headers.js'
import type { ParsedElf, Region } from './elf-headers.js'

const DT_NULL = 0n
const DT_NEEDED = 1n
const DT_STRTAB = 5n
const DT_STRSZ = 10n

export function readNeeded(elf: ParsedElf): string[] {
  const table = dynamicTable(elf)
  if (table === undefined) return []
  const { data: d, header } = elf
  const is64 = header.is64
  const entsize = is64 ? 16 : 8
  const count = Math.floor(table.size / entsize)
  d.needTable(table.offset, count, entsize, table.what)

  const neededOffsets: number[] = []
  let strtabAddr: number | undefined
  let strsz: number | undefined
  for (let i = 0; i < count; i++) {
    const base = table.offset + i * entsize
    // Tags are compared as bigints: OS- and processor-specific tags are large
    // and a value we do not use must not be able to fail the parse.
    const tag = is64 ? d.u64big(base, `dynamic entry ${i} d_tag`) : BigInt(d.u32(base, `dynamic entry ${i} d_tag`))
    if (tag === DT_NULL) break
    const val = (): number => d.word(is64, base + entsize / 2, `dynamic entry ${i} d_val`)
    if (tag === DT_NEEDED) neededOffsets.push(val())
    else if (tag === DT_STRTAB) strtabAddr = val()
    else if (tag === DT_STRSZ) strsz = val()
  }
  if (neededOffsets.length === 0) return []

  const strtab = sectionStrtab(elf) ?? mappedStrtab(elf, strtabAddr, strsz)
  d.need(strtab.offset, strtab.size, strtab.what)
  return neededOffsets.map((off, i) => {
    if (off >= strtab.size) {
      throw malformed(
        `DT_NEEDED entry ${i} name offset ${hex(off)} is outside the dynamic string table (${strtab.size} bytes)`,
      )
    }
    return d.cstr(strtab.offset + off, strtab.offset + strtab.size, `DT_NEEDED entry ${i} name`)
  })
}

// The loader reads PT_DYNAMIC, so that wins; the .dynamic section is the
// fallback for objects that have no program headers.
function dynamicTable(elf: ParsedElf): Region | undefined {
  const seg = elf.programs.find((p) => p.type === PT_DYNAMIC)
  if (seg !== undefined)
    return { offset: seg.offset, size: seg.filesz, what: `dynamic segment (program header ${seg.index})` }
  const sec = elf.sections.find((s) => s.type === SHT_DYNAMIC)
  if (sec !== undefined) return { offset: sec.offset, size: sec.size, what: `dynamic ${describeSection(sec)}` }
  return undefined
}

// The .dynamic section's sh_link names its string table, in file offsets:
// no address translation needed.
function sectionStrtab(elf: ParsedElf): Region | undefined {
  const dyn = elf.sections.find((s) => s.type === SHT_DYNAMIC)
  if (dyn === undefined || dyn.link === 0) return undefined
  const str = elf.sections[dyn.link - 1]
  if (str === undefined || str.type === SHT_NOBITS) return undefined
  return { offset: str.offset, size: str.size, what: `dynamic string table, ${describeSection(str)}` }
}

// Without section headers, DT_STRTAB is a virtual address: map it back to
// the file through the PT_LOAD segment that contains it.
function mappedStrtab(elf: ParsedElf, addr: number | undefined, strsz: number | undefined): Region {
  if (addr === undefined) throw malformed('dynamic segment has DT_NEEDED entries but no DT_STRTAB')
  const seg = elf.programs.find((p) => p.type === PT_LOAD && addr >= p.vaddr && addr - p.vaddr < p.filesz)
  if (seg === undefined) throw malformed(`DT_STRTAB address ${hex(addr)} is not inside any PT_LOAD segment`)
  const delta = addr - seg.vaddr
  const available = seg.filesz - delta
  return {
    offset: seg.offset + delta,
    size: Math.min(strsz ?? available, available),
    what: 'dynamic string table (DT_STRTAB)',
  }
}
