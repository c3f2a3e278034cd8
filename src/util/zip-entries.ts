// Reads the files of a zip archive from its central directory: Go's
// lib/time/zoneinfo.zip is stored (method 0), and deflated entries (method 8)
// are inflated with Node's zlib, so no zip package is needed. Each entry's
// size and CRC-32 are checked; anything else (encryption, ZIP64, a damaged
// archive) is refused with an UNSUPPORTED error naming the file.
import { crc32, inflateRawSync } from 'node:zlib'
import { ErrorCode, GostaticError } from '../errors.js'

const EOCD = 0x06054b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50

/** The files (not folders) whose name `keep` accepts, in the archive's order. */
export function zipEntries(bytes: Uint8Array, file: string, keep: (name: string) => boolean): Map<string, Buffer> {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const bad = (why: string) =>
    new GostaticError(ErrorCode.UNSUPPORTED, `${file} is not a zip archive gostatic can read: ${why}`, {
      hint: 'reinstall Go: its lib/time/zoneinfo.zip is a plain zip',
    })
  const u16 = (at: number) => {
    if (at < 0 || at + 2 > data.length) throw bad(`truncated at byte ${at}`)
    return data.readUInt16LE(at)
  }
  const u32 = (at: number) => {
    if (at < 0 || at + 4 > data.length) throw bad(`truncated at byte ${at}`)
    return data.readUInt32LE(at)
  }
  const end = endOfCentralDirectory(data)
  if (end < 0) throw bad('no end-of-central-directory record')
  const count = u16(end + 10)
  let at = u32(end + 16)
  if (count === 0xffff || at === 0xffffffff) throw bad('the archive needs ZIP64')
  const out = new Map<string, Buffer>()
  for (let i = 0; i < count; i++) {
    if (u32(at) !== CENTRAL) throw bad(`central directory entry ${i} has no signature`)
    const flags = u16(at + 8)
    const method = u16(at + 10)
    const crc = u32(at + 16)
    const packed = u32(at + 20)
    const size = u32(at + 24)
    const nameLen = u16(at + 28)
    const local = u32(at + 42)
    if (at + 46 + nameLen > data.length) throw bad(`entry ${i}'s name is truncated`)
    const name = data.subarray(at + 46, at + 46 + nameLen).toString('utf8')
    at += 46 + nameLen + u16(at + 30) + u16(at + 32)
    if (name.endsWith('/') || !keep(name)) continue
    if (flags & 1) throw bad(`${name} is encrypted`)
    if (packed === 0xffffffff || size === 0xffffffff || local === 0xffffffff) throw bad(`${name} needs ZIP64`)
    if (u32(local) !== LOCAL) throw bad(`${name} has no local header`)
    const start = local + 30 + u16(local + 26) + u16(local + 28)
    if (start + packed > data.length) throw bad(`${name}'s data is truncated`)
    const raw = data.subarray(start, start + packed)
    const bytes = inflate(raw, method, size, name, bad)
    if (bytes.length !== size || crc32(bytes) !== crc) throw bad(`${name} fails its size or CRC-32 check`)
    out.set(name, bytes)
  }
  return out
}

function inflate(raw: Buffer, method: number, size: number, name: string, bad: (why: string) => Error): Buffer {
  if (method === 0) return Buffer.from(raw)
  if (method !== 8) throw bad(`${name} uses compression method ${method} (only stored and deflated are read)`)
  try {
    // No more than the entry says it holds: a damaged entry cannot inflate without bound.
    return inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) })
  } catch (e) {
    throw bad(`${name} does not inflate: ${(e as Error).message}`)
  }
}

// The record is the last 22 bytes, unless the archive has a comment (up to 64 KiB) after it.
function endOfCentralDirectory(data: Buffer): number {
  for (let at = data.length - 22; at >= Math.max(0, data.length - 22 - 0xffff); at--)
    if (data.readUInt32LE(at) === EOCD) return at
  return -1
}
