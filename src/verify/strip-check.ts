// The check every engine runs after strip: what the kernel loads from the
// binary must be the same before and after, byte for byte.
import { ErrorCode, GostaticError } from '../errors.js'
import { readElf, type LoadSegment } from '../inspect/elf-reader.js'
import { hint } from '../hints.js'

/**
 * Throws STRIP_CHANGED_LOAD when `tool` changed what the kernel loads from the binary (`before` → `after`). Every
 * engine that strips runs it.
 */
export function checkStripKeptLoad(before: Buffer, after: Buffer, tool: string, what: string): void {
  const masks = [...headerRanges(before), ...headerRanges(after)].filter(([from, to]) => from > 0 && to > from)
  const diff = segmentDiff(before, readElf(before).loadSegments, after, readElf(after).loadSegments, masks)
  if (diff)
    throw new GostaticError(
      ErrorCode.STRIP_CHANGED_LOAD,
      `${tool} changed what the kernel loads from ${what}: ${diff}`,
      { hint: `drop ${hint('strip')} (-s -w already removed the symbol tables) and report this binary` },
    )
}

// Go maps its ELF header, program headers and (with -s -w) its section header
// table inside the first PT_LOAD. strip must rewrite the section table and its
// header fields, and program headers are compared field by field below; none
// of them is read at run time, so blank them before comparing bytes.
function headerRanges(b: Buffer): [number, number][] {
  const is64 = b[4] === 2
  const le = b[5] === 1
  const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o))
  const word = (o: number) =>
    is64 ? Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : le ? b.readUInt32LE(o) : b.readUInt32BE(o)
  const phoff = word(is64 ? 0x20 : 0x1c)
  const shoff = word(is64 ? 0x28 : 0x20)
  const [phentsize, phnum, shentsize, shnum] = is64
    ? [u16(0x36), u16(0x38), u16(0x3a), u16(0x3c)]
    : [u16(0x2a), u16(0x2c), u16(0x2e), u16(0x30)]
  return [
    [phoff, phoff + phentsize * phnum],
    [shoff, shoff + shentsize * shnum],
    is64 ? [0x28, 0x30] : [0x20, 0x24],
    is64 ? [0x3a, 0x40] : [0x2e, 0x34],
  ]
}

type Range = readonly [number, number]

/**
 * Whether `n` bytes at `xo` in `x` equal those at `yo` in `y` once every
 * byte at a masked file offset (in either file) counts as zero: strip may
 * move the section table and leave the old bytes. Compared piece by piece
 * in place, so no copy of a binary of tens of MB is made.
 */
function sameMasked(x: Buffer, xo: number, y: Buffer, yo: number, n: number, masks: readonly Range[]): boolean {
  const cuts = new Set([0, n])
  for (const [from, to] of masks)
    for (const o of [xo, yo]) if (to > o && from < o + n) cuts.add(Math.max(0, from - o)).add(Math.min(n, to - o))
  const points = [...cuts].sort((p, q) => p - q)
  const masked = (off: number) => masks.some(([from, to]) => off >= from && off < to)
  for (let i = 0; i + 1 < points.length; i++) {
    const [p, q] = [points[i]!, points[i + 1]!]
    const xs = masked(xo + p) ? null : x.subarray(xo + p, xo + q)
    const ys = masked(yo + p) ? null : y.subarray(yo + p, yo + q)
    if (xs && ys ? !xs.equals(ys) : !allZero(xs ?? ys)) return false
  }
  return true
}

const allZero = (b: Buffer | null) => b === null || b.every((byte) => byte === 0)

// The process image must be identical: same addresses, sizes in memory and
// permissions, same bytes. GNU strip may shorten a writable segment's filesz
// by dropping the zero padding before .bss; memory is zero-filled up to memsz
// anyway, so a shorter filesz is fine when the dropped tail was all zeros.
function segmentDiff(
  abytes: Buffer,
  a: readonly LoadSegment[],
  bbytes: Buffer,
  b: readonly LoadSegment[],
  masks: readonly Range[],
): string | undefined {
  if (a.length !== b.length) return `${a.length} PT_LOAD segments before, ${b.length} after`
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    const y = b[i]!
    for (const k of ['vaddr', 'memsz', 'flags', 'align'] as const)
      if (x[k] !== y[k]) return `PT_LOAD ${i} ${k} was 0x${x[k].toString(16)}, is 0x${y[k].toString(16)}`
    const n = Math.min(x.filesz, y.filesz, abytes.length - x.offset, bbytes.length - y.offset)
    if (!sameMasked(abytes, x.offset, bbytes, y.offset, n, masks)) return `PT_LOAD ${i} bytes differ`
    // The longer segment's tail must be zeros (masked bytes count as zero).
    const [longer, start, len] = x.filesz > y.filesz ? [abytes, x.offset, x.filesz] : [bbytes, y.offset, y.filesz]
    const tail = Math.min(len, longer.length - start) - n
    if (tail > 0 && !sameMasked(longer, start + n, Buffer.alloc(tail), 0, tail, masks))
      return (
        `PT_LOAD ${i} filesz changed from 0x${x.filesz.toString(16)} to 0x${y.filesz.toString(16)} over ` +
        `non-zero bytes`
      )
  }
  return undefined
}
