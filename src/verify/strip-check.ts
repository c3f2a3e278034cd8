// The check every engine runs after strip: what the kernel loads from the
// binary must be the same before and after, byte for byte.
import { ErrorCode, GostaticError } from '../errors.js'
import { readElf, type LoadSegment } from '../inspect/elf-reader.js'

/** Throws STRIP_CHANGED_LOAD when `tool` changed what the kernel loads from the binary (`before` → `after`). Every engine that strips runs it. */
export function checkStripKeptLoad(before: Buffer, after: Buffer, tool: string, what: string): void {
  const masks = [...headerRanges(before), ...headerRanges(after)]
  const diff = segmentDiff(masked(before, masks), readElf(before).loadSegments, masked(after, masks), readElf(after).loadSegments)
  if (diff) throw new GostaticError(ErrorCode.STRIP_CHANGED_LOAD, `${tool} changed what the kernel loads from ${what}: ${diff}`, { hint: 'drop .strip() (-s -w already removed the symbol tables) and report this binary' })
}

// Go maps its ELF header, program headers and (with -s -w) its section header
// table inside the first PT_LOAD. strip must rewrite the section table and its
// header fields, and program headers are compared field by field below; none
// of them is read at run time, so blank them before comparing bytes.
function headerRanges(b: Buffer): [number, number][] {
  const is64 = b[4] === 2
  const le = b[5] === 1
  const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o))
  const word = (o: number) => (is64 ? Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : le ? b.readUInt32LE(o) : b.readUInt32BE(o))
  const phoff = word(is64 ? 0x20 : 0x1c)
  const shoff = word(is64 ? 0x28 : 0x20)
  const [phentsize, phnum, shentsize, shnum] = is64 ? [u16(0x36), u16(0x38), u16(0x3a), u16(0x3c)] : [u16(0x2a), u16(0x2c), u16(0x2e), u16(0x30)]
  return [
    [phoff, phoff + phentsize * phnum],
    [shoff, shoff + shentsize * shnum],
    is64 ? [0x28, 0x30] : [0x20, 0x24],
    is64 ? [0x3a, 0x40] : [0x2e, 0x34],
  ]
}

/** A copy with the ranges of both files' tables blanked (strip may move the section table and leave the old bytes). */
function masked(bytes: Buffer, ranges: readonly [number, number][]): Buffer {
  const b = Buffer.from(bytes)
  for (const [from, to] of ranges) if (from > 0 && from < b.length) b.fill(0, from, Math.min(b.length, to))
  return b
}

// The process image must be identical: same addresses, sizes in memory and
// permissions, same bytes. GNU strip may shorten a writable segment's filesz
// by dropping the zero padding before .bss; memory is zero-filled up to memsz
// anyway, so a shorter filesz is fine when the dropped tail was all zeros.
function segmentDiff(abytes: Buffer, a: readonly LoadSegment[], bbytes: Buffer, b: readonly LoadSegment[]): string | undefined {
  if (a.length !== b.length) return `${a.length} PT_LOAD segments before, ${b.length} after`
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    const y = b[i]!
    for (const k of ['vaddr', 'memsz', 'flags', 'align'] as const)
      if (x[k] !== y[k]) return `PT_LOAD ${i} ${k} was 0x${x[k].toString(16)}, is 0x${y[k].toString(16)}`
    const n = Math.min(x.filesz, y.filesz)
    const xa = abytes.subarray(x.offset, x.offset + x.filesz)
    const ya = bbytes.subarray(y.offset, y.offset + y.filesz)
    if (!xa.subarray(0, n).equals(ya.subarray(0, n))) return `PT_LOAD ${i} bytes differ`
    const tail = xa.length > n ? xa.subarray(n) : ya.subarray(n)
    if (tail.some((byte) => byte !== 0)) return `PT_LOAD ${i} filesz changed from 0x${x.filesz.toString(16)} to 0x${y.filesz.toString(16)} over non-zero bytes`
  }
  return undefined
}
