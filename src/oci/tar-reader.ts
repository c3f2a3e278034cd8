// Reads a tar stream entry by entry without buffering entries whole: each
// entry's body is handed out as slices of the source's own chunks. pax
// ('x') and GNU long-name ('L', 'K') records are folded into the entry they
// describe; global pax records ('g') are skipped.
import { ErrorCode, GostaticError, isGostaticError } from '../errors.js'
import { BLOCK, FLAG, decodeHeader, padding, parsePax, type RawHeader, type TarHeader } from './tar-format.js'

/** One entry's data; read it with `for await`, or call `resume()` (or nothing) to skip it. */
export interface TarBody extends AsyncIterable<Buffer> {
  resume(): void
}

/** One entry: its header, where its data starts in the tar, and its data. */
export type TarEntry = { header: TarHeader; offset: number; body: TarBody }

/**
 * Every malformation (a bad header, data that ends early, a size no tar can
 * hold, a compressed source that does not decode) is OCI_MALFORMED naming
 * `what` ('layer sha256:… of image.tar') and the byte where it went wrong.
 */
export async function* readTar(
  src: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  what = 'tar stream',
): AsyncGenerator<TarEntry> {
  const q = new ByteQueue(Symbol.asyncIterator in src ? src[Symbol.asyncIterator]() : fromSync(src), what)
  try {
    let pending: { name?: string; linkname?: string; pax?: Map<string, string> } = {}
    for (;;) {
      const at = q.position
      const block = await q.read(BLOCK, true)
      if (block === null) return // a tar that ends without its two zero blocks: tolerated, as GNU tar does
      const raw = decodeChecked(block, at, what)
      if (raw === null) {
        await q.drain() // the end-of-archive blocks and any record padding
        return
      }
      if (isMeta(raw.flag)) {
        if (raw.size > 1 << 24)
          throw tarMalformed(what, `the record at byte ${at} claims ${raw.size} bytes of metadata`)
        const data = raw.size > 0 ? (await q.read(raw.size))! : Buffer.alloc(0)
        await q.skip(padding(raw.size))
        pending = foldMeta(pending, raw.flag, data)
        continue
      }
      const header = applyMeta(raw, pending)
      pending = {}
      if (!Number.isSafeInteger(header.size) || header.size < 0)
        throw tarMalformed(what, `entry ${header.name} at byte ${at} has an impossible size (${header.size})`)
      const body = new Body(q, header.size)
      yield { header, offset: q.position, body }
      body.close()
      await q.skip(body.left + padding(header.size))
    }
  } finally {
    await q.close()
  }
}

/** The malformation as the one typed error every reader of untrusted tars reports. */
export function tarMalformed(what: string, why: string, cause?: unknown): GostaticError {
  return new GostaticError(ErrorCode.OCI_MALFORMED, `${what}: ${why}`, cause === undefined ? undefined : { cause })
}

function decodeChecked(block: Buffer, at: number, what: string): RawHeader | null {
  try {
    return decodeHeader(block, at)
  } catch (e) {
    throw tarMalformed(what, (e as Error).message, e)
  }
}

async function* fromSync(src: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* src
}

const META_FLAGS: ReadonlySet<number> = new Set([FLAG.pax, FLAG.paxGlobal, FLAG.gnuLongName, FLAG.gnuLongLink])
const isMeta = (flag: number) => META_FLAGS.has(flag)

function foldMeta(p: { name?: string; linkname?: string; pax?: Map<string, string> }, flag: number, data: Buffer) {
  const text = () => data.toString('utf8').replace(/\0+$/, '')
  if (flag === FLAG.gnuLongName) return { ...p, name: text() }
  if (flag === FLAG.gnuLongLink) return { ...p, linkname: text() }
  if (flag === FLAG.pax) return { ...p, pax: new Map([...(p.pax ?? []), ...parsePax(data)]) }
  return p // global records: defaults gostatic has no use for
}

function applyMeta(raw: RawHeader, p: { name?: string; linkname?: string; pax?: Map<string, string> }): TarHeader {
  const { flag: _, ...h } = raw
  // Most entries have no pax or long-name record before them: nothing to fold.
  if (p.pax === undefined && p.name === undefined && p.linkname === undefined)
    return h.type === 'file' && h.name.endsWith('/') ? { ...h, type: 'directory' } : h
  const pax = p.pax ?? new Map<string, string>()
  const num = (key: string, fallback: number) => {
    const v = pax.get(key)
    return v !== undefined && /^-?\d+(\.\d+)?$/.test(v) ? Math.trunc(Number(v)) : fallback
  }
  const name = pax.get('path') ?? p.name ?? h.name
  return {
    ...h,
    name,
    type: h.type === 'file' && name.endsWith('/') ? 'directory' : h.type,
    linkname: pax.get('linkpath') ?? p.linkname ?? h.linkname,
    size: num('size', h.size),
    uid: num('uid', h.uid),
    gid: num('gid', h.gid),
    mtime: pax.has('mtime') ? new Date(num('mtime', 0) * 1000) : h.mtime,
    uname: pax.get('uname') ?? h.uname,
    gname: pax.get('gname') ?? h.gname,
  }
}

class Body implements TarBody {
  left: number
  #closed = false
  constructor(
    private readonly q: ByteQueue,
    size: number,
  ) {
    this.left = size
  }
  resume(): void {}
  close(): void {
    this.#closed = true
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    while (this.left > 0) {
      if (this.#closed) throw new Error('a tar entry was read after the reader moved on to the next one')
      const chunk = await this.q.take(this.left)
      this.left -= chunk.length
      yield chunk
    }
  }
}

/** The source's bytes in order, with the position counted; slices, not copies, where it can. */
class ByteQueue {
  position = 0
  #chunks: Buffer[] = []
  #buffered = 0
  #done = false
  constructor(
    private readonly it: AsyncIterator<Uint8Array>,
    private readonly what: string,
  ) {}

  /** Exactly `n` bytes, or null at a clean end when `eofOk`; a short read is an error. */
  async read(n: number, eofOk = false): Promise<Buffer | null> {
    while (this.#buffered < n && (await this.#pull()));
    if (this.#buffered < n) {
      if (eofOk && this.#buffered === 0) return null
      const at = this.position + this.#buffered
      throw tarMalformed(this.what, `the tar ends early at byte ${at} (needed ${n - this.#buffered} more bytes)`)
    }
    const parts: Buffer[] = []
    for (let want = n; want > 0;) {
      const c = this.#shift(want)
      parts.push(c)
      want -= c.length
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
  }

  /** Up to `max` bytes (at least one): the next slice of what the source gave. */
  async take(max: number): Promise<Buffer> {
    while (this.#buffered === 0)
      if (!(await this.#pull()))
        throw tarMalformed(this.what, `the tar ends early at byte ${this.position}, inside an entry's data`)
    return this.#shift(max)
  }

  async skip(n: number): Promise<void> {
    for (let left = n; left > 0; left -= (await this.take(left)).length);
  }

  /** Reads to the end, so a decoder behind the source (gunzip) checks its trailer. */
  async drain(): Promise<void> {
    do {
      this.position += this.#buffered
      this.#chunks = []
      this.#buffered = 0
    } while (await this.#pull())
  }

  async close(): Promise<void> {
    if (!this.#done) await this.it.return?.()
  }

  #shift(max: number): Buffer {
    const head = this.#chunks[0]!
    const c = head.length <= max ? (this.#chunks.shift() as Buffer) : head.subarray(0, max)
    if (c !== head) this.#chunks[0] = head.subarray(max)
    this.#buffered -= c.length
    this.position += c.length
    return c
  }

  async #pull(): Promise<boolean> {
    if (this.#done) return false
    let r: IteratorResult<Uint8Array>
    try {
      r = await this.it.next()
    } catch (e) {
      throw sourceError(this.what, e)
    }
    if (r.done) {
      this.#done = true
      return false
    }
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength)
    if (b.length > 0) {
      this.#chunks.push(b)
      this.#buffered += b.length
    }
    return true
  }
}

/** A decoder's complaint (zlib's Z_DATA_ERROR, a zstd frame error) is malformed input; I/O errors pass as they are. */
function sourceError(what: string, e: unknown): unknown {
  if (isGostaticError(e)) return e
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  if (typeof code === 'string' && /^(Z_|ERR_ZSTD|ERR_ZLIB)/.test(code))
    return tarMalformed(what, `does not decompress (${(e as Error).message})`, e)
  return e
}
