// A bounds-checked view over untrusted bytes. Every read goes through here so
// that a truncated or hostile file becomes one ELF_MALFORMED error that says
// what was being read, instead of a RangeError from DataView or a silent
// garbage value.
import { ErrorCode, GostaticError } from '../errors.js'

export function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`
}

export function malformed(message: string): GostaticError {
  return new GostaticError(ErrorCode.ELF_MALFORMED, message, {
    hint: 'the file is not a complete ELF executable; rebuild it or check that it was copied whole',
  })
}

// Longer than any real section name, soname or interpreter path.
const MAX_NAME = 4096

export class ElfBytes {
  readonly bytes: Uint8Array
  readonly length: number
  readonly little: boolean
  readonly #view: DataView

  constructor(bytes: Uint8Array, little: boolean) {
    this.bytes = bytes
    this.length = bytes.length
    this.little = little
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  /** Throws unless [offset, offset+size) lies inside the file. */
  need(offset: number, size: number, what: string): void {
    // Compare against the remaining length so that huge values cannot
    // overflow past 2^53 and slip through the check.
    if (offset < 0 || size < 0 || offset > this.length || size > this.length - offset) {
      throw malformed(
        `${what} (offset ${hex(offset)}, ${size} bytes) runs past the end of the file (${this.length} bytes)`,
      )
    }
  }

  /** Like need(), for a table of fixed-size entries, with a message that names the count. */
  needTable(offset: number, count: number, entsize: number, what: string): void {
    const size = count * entsize
    if (offset < 0 || offset > this.length || size > this.length - offset) {
      throw malformed(
        `${what} (offset ${hex(offset)}, ${count} entries of ${entsize} bytes) runs past the end of the file ` +
          `(${this.length} bytes)`,
      )
    }
  }

  u8(offset: number, what: string): number {
    this.need(offset, 1, what)
    return this.#view.getUint8(offset)
  }

  u16(offset: number, what: string): number {
    this.need(offset, 2, what)
    return this.#view.getUint16(offset, this.little)
  }

  u32(offset: number, what: string): number {
    this.need(offset, 4, what)
    return this.#view.getUint32(offset, this.little)
  }

  u64big(offset: number, what: string): bigint {
    this.need(offset, 8, what)
    return this.#view.getBigUint64(offset, this.little)
  }

  /**
   * A 64-bit field as a JS number. Offsets, sizes and user-space addresses
   * fit in 2^53; a value that does not is treated as corruption rather than
   * silently rounded.
   */
  u64(offset: number, what: string): number {
    const v = this.u64big(offset, what)
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw malformed(`${what} is ${hex(v)}, which is larger than any file or user-space address (2^53)`)
    }
    return Number(v)
  }

  /** A word of the file's class: 4 bytes for ELF32, 8 for ELF64. */
  word(is64: boolean, offset: number, what: string): number {
    return is64 ? this.u64(offset, what) : this.u32(offset, what)
  }

  /**
   * A NUL-terminated string that must end before `end` (exclusive). The scan
   * is capped so that many names pointing into one huge unterminated table
   * cannot make parsing quadratic.
   */
  cstr(offset: number, end: number, what: string, maxLength = MAX_NAME): string {
    this.need(offset, 0, what)
    const limit = Math.min(end, this.length, offset + maxLength + 1)
    const nul = offset < limit ? this.bytes.subarray(offset, limit).indexOf(0) : -1
    if (nul < 0) {
      throw malformed(
        limit === offset + maxLength + 1
          ? `${what} at ${hex(offset)} is longer than ${maxLength} bytes`
          : `${what} at ${hex(offset)} is not NUL-terminated before ${hex(limit)}`,
      )
    }
    return decodeBytes(this.bytes.subarray(offset, offset + nul))
  }

  slice(offset: number, size: number, what: string): Uint8Array {
    this.need(offset, size, what)
    return this.bytes.subarray(offset, offset + size)
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false })

/** ELF and Go strings are bytes; UTF-8 with replacement keeps ASCII exact and never throws on junk. */
export function decodeBytes(b: Uint8Array): string {
  return utf8.decode(b)
}

/** Index of `needle` in `hay` at or after `from`, or -1; Buffer's search is native and fast. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(needle, from)
}
