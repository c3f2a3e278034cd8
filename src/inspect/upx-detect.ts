// UPX-packed ELF detection, from what `upx` 4.x actually writes (checked
// against its output for Go and gcc binaries): the packed file keeps only
// the program headers of its decompression stub (e_shoff = 0, no sections),
// the l_info block (a checksum, then the magic "UPX!") follows the program
// header table directly, and a PackHeader with the same magic sits in the
// last few dozen bytes. Either magic counts, so that a file with one of them
// damaged is still recognised; requiring no section headers keeps an
// ordinary binary that merely contains the string "UPX!" from matching.
import { indexOfBytes } from './elf-bytes.js'
import type { ParsedElf } from './elf-headers.js'

const UPX_MAGIC = new Uint8Array([0x55, 0x50, 0x58, 0x21]) // "UPX!"
const HEAD_WINDOW = 1024
const TAIL_WINDOW = 64

export function isUpxPacked(elf: ParsedElf): boolean {
  if (elf.sections.length > 0) return false
  const b = elf.data.bytes
  const head = b.subarray(0, Math.min(b.length, elf.headersEnd + HEAD_WINDOW))
  if (indexOfBytes(head, UPX_MAGIC) >= 0) return true
  return indexOfBytes(b.subarray(Math.max(0, b.length - TAIL_WINDOW)), UPX_MAGIC) >= 0
}
