// readElf(): the facts about an executable that decide whether it can run in
// a minimal image (static? which loader and libraries?), whether it was
// stripped or packed, and what the kernel maps (to check strip left it alone).
import { readNeeded } from './elf-dynamic.js'
import { PT_INTERP, PT_LOAD, SHT_SYMTAB, parseElf } from './elf-headers.js'
import type { ParsedElf } from './elf-headers.js'
import { machineName, osabiName, typeName } from './elf-names.js'
import type { ElfMachine, ElfOsAbi, ElfType } from './elf-names.js'
import { isUpxPacked } from './upx-detect.js'

export type { ElfMachine, ElfOsAbi, ElfType } from './elf-names.js'

/** A PT_LOAD program header: what the kernel maps, byte for byte. */
export interface LoadSegment {
  readonly offset: number
  readonly vaddr: number
  readonly filesz: number
  readonly memsz: number
  /** PF_X = 1, PF_W = 2, PF_R = 4. */
  readonly flags: number
  readonly align: number
}

export interface ElfInfo {
  readonly class: 32 | 64
  readonly endian: 'little' | 'big'
  readonly machine: ElfMachine
  readonly eMachine: number
  readonly type: ElfType
  readonly osabi: ElfOsAbi
  /** PT_INTERP contents, e.g. /lib64/ld-linux-x86-64.so.2; null when absent. */
  readonly interpreter: string | null
  /** DT_NEEDED sonames, in file order. */
  readonly needed: string[]
  /**
   * No PT_INTERP and no DT_NEEDED: the kernel can start it with nothing else
   * in the image. For a UPX-packed file this describes the packer's stub,
   * which never has PT_INTERP even when the packed program needs libc, so
   * check `upx` first.
   */
  readonly isStatic: boolean
  /**
   * ET_DYN. For an executable that means PIE, or static-pie when isStatic is
   * also true. (A shared library is ET_DYN too; we only inspect executables.)
   */
  readonly isPie: boolean
  /** Section names in table order, without the null section 0. Empty when there is no section header table. */
  readonly sections: string[]
  /** An SHT_SYMTAB section (.symtab) is present. */
  readonly hasSymtab: boolean
  /** Any .debug_* or .zdebug_* section is present. */
  readonly hasDebug: boolean
  readonly stripped: boolean
  readonly upx: boolean
  readonly loadSegments: LoadSegment[]
}

/**
 * Reads the ELF facts gostatic verifies. Throws GostaticError(ELF_MALFORMED)
 * for anything that is not a well-formed ELF file, naming what is wrong.
 */
export function readElf(bytes: Uint8Array): ElfInfo {
  const elf = parseElf(bytes)
  const { header } = elf
  const interpreter = readInterpreter(elf)
  const needed = readNeeded(elf)
  const sections = elf.sections.map((s) => s.name)
  const hasSymtab = elf.sections.some((s) => s.type === SHT_SYMTAB)
  const hasDebug = sections.some((n) => n.startsWith('.debug_') || n.startsWith('.zdebug_'))
  return {
    class: header.is64 ? 64 : 32,
    endian: header.little ? 'little' : 'big',
    machine: machineName(header.machine, header.is64),
    eMachine: header.machine,
    type: typeName(header.type),
    osabi: osabiName(header.osabi),
    interpreter,
    needed,
    isStatic: interpreter === null && needed.length === 0,
    isPie: header.type === 3,
    sections,
    hasSymtab,
    hasDebug,
    stripped: !hasSymtab && !hasDebug,
    upx: isUpxPacked(elf),
    loadSegments: elf.programs
      .filter((p) => p.type === PT_LOAD)
      .map(({ offset, vaddr, filesz, memsz, flags, align }) => ({ offset, vaddr, filesz, memsz, flags, align })),
  }
}

function readInterpreter(elf: ParsedElf): string | null {
  const p = elf.programs.find((ph) => ph.type === PT_INTERP)
  if (p === undefined) return null
  const what = `PT_INTERP (program header ${p.index})`
  elf.data.need(p.offset, p.filesz, what)
  return elf.data.cstr(p.offset, p.offset + p.filesz, what)
}
