// readGoBuildInfo(): what `go version -m` prints, read from the binary itself,
// so the report can show how a binary was really built (CGO_ENABLED, tags,
// -trimpath, ldflags) instead of trusting what we asked for. It follows Go's
// own debug/buildinfo: find the blob, then decode the Go 1.18+ inline format.
import { decodeBytes, hex, indexOfBytes, malformed } from './elf-bytes.js'
import type { ElfBytes } from './elf-bytes.js'
import { PF_W, PF_X, PT_LOAD, SHT_NOBITS, parseElf } from './elf-headers.js'
import type { ParsedElf, Region } from './elf-headers.js'
import { parseModInfo } from './go-modinfo.js'
import type { GoBuildInfo } from './go-modinfo.js'
import { isUpxPacked } from './upx-detect.js'

export type { GoBuildInfo, GoDependency, GoModule } from './go-modinfo.js'

// "\xff Go buildinf:" — cmd/link writes it 16-byte aligned at the start of a
// 32-byte header: magic, pointer size, flags, then two pointer slots.
const MAGIC = new Uint8Array([0xff, 0x20, 0x47, 0x6f, 0x20, 0x62, 0x75, 0x69, 0x6c, 0x64, 0x69, 0x6e, 0x66, 0x3a])
const ALIGN = 16
const HEADER_SIZE = 32
const FLAG_INLINE = 0x2

/**
 * Go build info of an ELF executable, or null when it is not a Go binary or
 * is UPX-packed (the blob is compressed then). Throws
 * GostaticError(ELF_MALFORMED) for a file that is not a well-formed ELF, or
 * whose build info is present but damaged.
 */
export function readGoBuildInfo(bytes: Uint8Array): GoBuildInfo | null {
  const elf = parseElf(bytes)
  if (isUpxPacked(elf)) return null
  const region = searchRegion(elf)
  if (region === undefined) return null
  const d = elf.data
  d.need(region.offset, region.size, region.what)
  const at = findMagic(d.bytes, region.offset, region.offset + region.size)
  if (at < 0) return null

  const flags = d.u8(at + 15, 'Go build info flags')
  if ((flags & FLAG_INLINE) === 0) {
    throw malformed(
      `Go build info at ${hex(at)} uses the pointer format of Go releases before 1.18, which gostatic does not read`,
    )
  }
  const vers = readVarString(d, at + HEADER_SIZE, 'Go version string')
  const mod = readVarString(d, vers.end, 'Go module info string')
  const goVersion = decodeBytes(vers.bytes)
  // Go's rule: an empty version means this is not a Go executable after all.
  if (goVersion === '') return null
  return parseModInfo(goVersion, decodeBytes(unframe(mod.bytes)))
}

// Same places as Go's DataStart: the .go.buildinfo section, else (section
// headers removed) the first writable, non-executable PT_LOAD, where the
// linker puts the blob first. Searching only there keeps the magic bytes in
// the rodata of programs that import debug/buildinfo from matching.
function searchRegion(elf: ParsedElf): Region | undefined {
  const sec = elf.sections.find((s) => s.name === '.go.buildinfo')
  if (sec !== undefined) {
    if (sec.type === SHT_NOBITS) return undefined
    return { offset: sec.offset, size: sec.size, what: 'section .go.buildinfo' }
  }
  const seg = elf.programs.find((p) => p.type === PT_LOAD && (p.flags & (PF_X | PF_W)) === PF_W)
  if (seg === undefined) return undefined
  return { offset: seg.offset, size: seg.filesz, what: `data segment (program header ${seg.index})` }
}

// The first 16-byte-aligned magic with room for the header, or -1. File
// offsets stand in for addresses: ELF requires p_offset ≡ p_vaddr modulo the
// segment alignment, so the two agree on 16-byte alignment.
function findMagic(bytes: Uint8Array, start: number, end: number): number {
  const hay = bytes.subarray(0, end)
  let from = start
  for (;;) {
    const i = indexOfBytes(hay, MAGIC, from)
    if (i < 0 || end - i < HEADER_SIZE) return -1
    if (i % ALIGN === 0) return i
    from = i + 1
  }
}

// A uvarint length followed by that many bytes, as Go's decodeString.
function readVarString(d: ElfBytes, offset: number, what: string): { bytes: Uint8Array; end: number } {
  let length = 0
  let scale = 1
  for (let i = 0; ; i++) {
    // 8 varint bytes already exceed 2^53 and any file; do not go further.
    if (i === 8) throw malformed(`${what} at ${hex(offset)} has an impossibly long length prefix`)
    const b = d.u8(offset + i, `${what} length`)
    length += (b & 0x7f) * scale
    scale *= 128
    if ((b & 0x80) === 0) {
      const start = offset + i + 1
      return { bytes: d.slice(start, length, what), end: start + length }
    }
  }
}

// cmd/go wraps modinfo in two 16-byte sentinels (modload.infoStart/infoEnd);
// Go strips them only when the framing looks right and otherwise treats the
// module info as absent, and so do we.
function unframe(mod: Uint8Array): Uint8Array {
  if (mod.length >= 33 && mod[mod.length - 17] === 0x0a) return mod.subarray(16, mod.length - 16)
  return new Uint8Array(0)
}
