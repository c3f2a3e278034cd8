// gzip at zlib level 6, compressed on several threads at once, with bytes
// that do not depend on the machine. The input is cut into fixed 1 MiB
// chunks (never a number derived from the core count); each chunk is
// deflated on its own with the 32 KiB of input before it as the preset
// dictionary, and ends with a sync flush (the last one with the final
// block), as pigz does. The concatenation is one ordinary deflate stream, so
// the result is a single-member gzip file any reader accepts; the CRC-32 and
// length go in the trailer as usual. zlib's async calls run on libuv's thread
// pool, so the chunks compress in parallel without worker start-up cost.
// A layer of one chunk (under 1 MiB) gets the very bytes a plain gzip
// stream at the same settings gives.
import { availableParallelism } from 'node:os'
import { constants as zc, crc32, deflateRaw, type ZlibOptions } from 'node:zlib'

/** Fixed forever for a given layer format: changing it changes every large layer's digest. */
export const GZIP_CHUNK = 1 << 20
/**
 * Pinned so the bytes don't move if a default changes. Measured on Go
 * binaries, 9 is 0.1-0.3% smaller than 6 but 3x slower (16 MB: 1.2 s vs 0.4 s),
 * and 4 is 3% larger (caddy: 20.78 MB against 20.14 MB).
 */
export const GZIP_LEVEL = 6
const WINDOW = 32 * 1024
const GZIP_OS_UNIX = 3
// magic, deflate, no flags (no name, no comment), mtime 0, XFL 0 (what zlib writes at level 6), OS.
// zlib's own OS byte varies by host build, so it is pinned here.
const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, GZIP_OS_UNIX])

/** Chunks compressed at once: a scheduling choice only, it never changes the bytes. */
function lanes(): number {
  const pool = Number(process.env['UV_THREADPOOL_SIZE']) || 4
  // One pool thread stays free for file reads (a streamed layer file, the cache).
  return Math.max(1, Math.min(availableParallelism(), pool - 1))
}

export class ParallelGzip {
  #chunk = Buffer.allocUnsafe(GZIP_CHUNK)
  #fill = 0
  #dictionary: Buffer | undefined
  #parts: Promise<Buffer>[] = []
  #running: Promise<unknown>[] = []
  #crc = 0
  #length = 0
  readonly #lanes: number
  readonly #level: number

  /** `lanes` overrides how many chunks compress at once (tests show it never changes the bytes). */
  constructor(level = GZIP_LEVEL, opts: { lanes?: number } = {}) {
    this.#level = level
    this.#lanes = Math.max(1, opts.lanes ?? lanes())
  }

  /** Adds bytes; resolves once they are queued (waits while every lane is busy). */
  async write(data: Uint8Array): Promise<void> {
    this.#crc = crc32(data, this.#crc)
    this.#length += data.length
    for (let at = 0; at < data.length;) {
      if (this.#fill === GZIP_CHUNK) await this.#dispatch(false)
      const n = Math.min(GZIP_CHUNK - this.#fill, data.length - at)
      this.#chunk.set(data.subarray(at, at + n), this.#fill)
      this.#fill += n
      at += n
    }
  }

  /** The whole gzip member. */
  async end(): Promise<Buffer> {
    await this.#dispatch(true)
    const body = await Promise.all(this.#parts)
    const trailer = Buffer.alloc(8)
    trailer.writeUInt32LE(this.#crc >>> 0, 0)
    trailer.writeUInt32LE(this.#length % 2 ** 32, 4)
    return Buffer.concat([HEADER, ...body, trailer])
  }

  async #dispatch(last: boolean): Promise<void> {
    while (this.#running.length >= this.#lanes) await this.#running.shift()
    const input = this.#chunk.subarray(0, this.#fill)
    const opts: ZlibOptions = { level: this.#level, memLevel: 8, windowBits: 15, strategy: zc.Z_DEFAULT_STRATEGY }
    opts.finishFlush = last ? zc.Z_FINISH : zc.Z_SYNC_FLUSH
    if (this.#dictionary) opts.dictionary = this.#dictionary
    const part = new Promise<Buffer>((resolve, reject) =>
      deflateRaw(input, opts, (err, out) => (err ? reject(err) : resolve(out))),
    )
    part.catch(() => undefined) // awaited in end(); a failure must not surface as unhandled before that
    this.#parts.push(part)
    this.#running.push(part.catch(() => undefined))
    // Every chunk is a full 1 MiB except the last, so the tail is always a full window.
    this.#dictionary = input.subarray(input.length - Math.min(WINDOW, input.length))
    this.#chunk = Buffer.allocUnsafe(GZIP_CHUNK)
    this.#fill = 0
  }
}

/** gzip of `data` in one call. */
export async function parallelGzip(
  data: Uint8Array,
  level = GZIP_LEVEL,
  opts: { lanes?: number } = {},
): Promise<Buffer> {
  const gz = new ParallelGzip(level, opts)
  await gz.write(data)
  return gz.end()
}
