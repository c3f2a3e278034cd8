// The strings in an ELF's .comment section: compilers and linkers sign their
// work there ("GCC: (Debian 12.2.0-14) 12.2.0", "Linker: LLD 22.1.8"). Go's
// internal linker writes no .comment, so its presence in a Go binary shows
// that a C linker linked it (-linkmode external).
import { SHT_NOBITS, parseElf } from './elf-headers.js'
import { decodeBytes } from './elf-bytes.js'

/** A .comment is a few dozen bytes; anything far larger is not one we read. */
const MAX_COMMENT = 64 * 1024

/** The NUL-separated strings of .comment, each once, in file order; empty when there is none. */
export function readElfComment(bytes: Uint8Array): string[] {
  const elf = parseElf(bytes)
  const s = elf.sections.find((x) => x.name === '.comment')
  if (s === undefined || s.type === SHT_NOBITS || s.size === 0) return []
  const raw = elf.data.slice(s.offset, Math.min(s.size, MAX_COMMENT), '.comment section')
  const out = decodeBytes(raw)
    .split('\0')
    .map((t) => t.trim())
    .filter((t) => t !== '')
  return [...new Set(out)]
}
