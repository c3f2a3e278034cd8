// Writes tar entries, in order, to a sink that takes one chunk at a time.
// A failing sink rejects the write that hit it, so every stream failure
// (a full disk, a file that vanished) reaches the awaiting caller.
import { createReadStream } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { BLOCK, encodeHeader, padding, type TarHeaderInput } from './tar-format.js'
import { ErrorCode, GostaticError } from '../errors.js'

export type TarSink = (chunk: Buffer) => Promise<void>

const ZEROS = Buffer.alloc(2 * BLOCK)

export class TarWriter {
  constructor(private readonly sink: TarSink) {}

  /** A directory or symlink (no body), or a file with its bytes. */
  async entry(header: TarHeaderInput, body?: Uint8Array): Promise<void> {
    const size = body?.byteLength ?? 0
    await this.sink(encodeHeader({ ...header, size }))
    if (size === 0) return
    await this.sink(Buffer.from(body!.buffer, body!.byteOffset, body!.byteLength))
    await this.#pad(size)
  }

  /**
   * A file whose `header.size` bytes are read from `path` as they are written; a file that changed size is an error.
   */
  /** `onChunk` sees the file's bytes as they go out (to hash what was written, not what was read before). */
  async fileEntry(
    header: TarHeaderInput & { size: number },
    path: string,
    onChunk?: (chunk: Buffer) => void,
  ): Promise<void> {
    await this.sink(encodeHeader(header))
    let seen = 0
    for await (const chunk of createReadStream(path)) {
      const c = chunk as Buffer
      seen += c.length
      if (seen > header.size) break
      onChunk?.(c)
      await this.sink(c)
    }
    if (seen !== header.size)
      throw new GostaticError(
        ErrorCode.INPUT_NOT_FOUND,
        `${path} changed while it was written to the image (${header.size} bytes expected, ${seen} read)`,
        { hint: 'nothing may rewrite the files a build copies while it runs' },
      )
    await this.#pad(header.size)
  }

  /** The two zero blocks that end an archive. */
  async end(): Promise<void> {
    await this.sink(ZEROS)
  }

  async #pad(size: number): Promise<void> {
    const n = padding(size)
    if (n > 0) await this.sink(ZEROS.subarray(0, n))
  }
}

/** A sink that writes to an open file, all of each chunk. */
export function fileSink(fh: FileHandle): TarSink {
  return async (chunk) => {
    for (let at = 0; at < chunk.length;) at += (await fh.write(chunk, at, chunk.length - at)).bytesWritten
  }
}
