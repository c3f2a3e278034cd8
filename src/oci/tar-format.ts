// The tar header format, both ways. Writing: ustar headers laid out field for
// field as gostatic always wrote them (so layer diff_ids did not move when the
// tar-stream package was dropped), with a pax header only for what ustar
// cannot hold. Reading: ustar, GNU and old v7 headers, base-256 numbers, and
// the pax and GNU long-name records that `tarReader` folds into the entry.

export const BLOCK = 512

/** The entry types the reader names; anything else is 'other' (its data is still skipped by size). */
export type TarType =
  'file' | 'link' | 'symlink' | 'character-device' | 'block-device' | 'directory' | 'fifo' | 'contiguous-file' | 'other'

export type TarHeader = {
  name: string
  type: TarType
  mode: number
  uid: number
  gid: number
  size: number
  mtime: Date
  linkname: string | null
  uname: string
  gname: string
}

/** What the writer takes: the three entry kinds a layer or an archive holds. */
export type TarHeaderInput = {
  name: string
  type: 'file' | 'directory' | 'symlink'
  /** Permission bits incl. setuid/setgid/sticky; file-type bits are ignored. */
  mode: number
  uid?: number
  gid?: number
  size?: number
  /** Seconds since the epoch. */
  mtime: number
  linkname?: string
}

/** A header as read, before pax and GNU long-name records are applied; `flag` is the raw type byte. */
export type RawHeader = TarHeader & { flag: number }

const TYPE_FLAG = { file: 0x30, directory: 0x35, symlink: 0x32 } as const
const READ_TYPES: Record<number, TarType> = {
  0x00: 'file',
  0x30: 'file',
  0x31: 'link',
  0x32: 'symlink',
  0x33: 'character-device',
  0x34: 'block-device',
  0x35: 'directory',
  0x36: 'fifo',
  0x37: 'contiguous-file',
}
/** Type bytes of records that describe the next entry rather than being one. */
export const FLAG = { pax: 0x78, paxGlobal: 0x67, gnuLongName: 0x4c, gnuLongLink: 0x4b } as const

const USTAR_MAGIC = Buffer.from('ustar\x0000', 'latin1')
const MAX_OCTAL_6 = 0o777777
const MAX_OCTAL_11 = 0o77777777777

/** Zero bytes up to the next block boundary after `size` bytes of data. */
export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK
}

/** The header block(s) for one entry: one ustar block, or a pax record and then the ustar block. */
export function encodeHeader(h: TarHeaderInput): Buffer {
  const size = h.size ?? 0
  const uid = h.uid ?? 0
  const gid = h.gid ?? 0
  const split = splitName(h.name)
  const link = h.linkname ?? ''
  const pax: [string, string][] = []
  if (!split) pax.push(['path', h.name])
  if (link !== '' && !fitsAscii(link, 100)) pax.push(['linkpath', link])
  if (uid > MAX_OCTAL_6) pax.push(['uid', String(uid)])
  if (gid > MAX_OCTAL_6) pax.push(['gid', String(gid)])
  if (h.mtime < 0 || h.mtime > MAX_OCTAL_11) pax.push(['mtime', String(h.mtime)])
  const ustar = ustarBlock({
    name: split?.name ?? asciiTail(h.name, 100),
    prefix: split?.prefix ?? '',
    mode: h.mode & 0o7777,
    uid: Math.min(uid, MAX_OCTAL_6),
    gid: Math.min(gid, MAX_OCTAL_6),
    size,
    mtime: Math.min(Math.max(h.mtime, 0), MAX_OCTAL_11),
    flag: TYPE_FLAG[h.type],
    linkname: fitsAscii(link, 100) ? link : asciiTail(link, 100),
  })
  if (pax.length === 0) return ustar
  const records = Buffer.from(pax.map(([k, v]) => paxRecord(k, v)).join(''), 'utf8')
  const paxHead = ustarBlock({
    name: asciiTail(`PaxHeaders/${h.name.split('/').filter(Boolean).pop() ?? ''}`, 100),
    prefix: '',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: records.length,
    mtime: 0,
    flag: FLAG.pax,
    linkname: '',
  })
  return Buffer.concat([paxHead, records, Buffer.alloc(padding(records.length)), ustar])
}

type UstarFields = {
  name: string
  prefix: string
  mode: number
  uid: number
  gid: number
  size: number
  mtime: number
  flag: number
  linkname: string
}

function ustarBlock(f: UstarFields): Buffer {
  const b = Buffer.alloc(BLOCK)
  b.write(f.name, 0, 100, 'utf8')
  b.write(octal(f.mode, 6), 100, 'latin1')
  b.write(octal(f.uid, 6), 108, 'latin1')
  b.write(octal(f.gid, 6), 116, 'latin1')
  if (f.size > MAX_OCTAL_11) writeBase256(b, 124, 12, f.size)
  else b.write(octal(f.size, 11), 124, 'latin1')
  b.write(octal(f.mtime, 11), 136, 'latin1')
  b[156] = f.flag
  b.write(f.linkname, 157, 100, 'utf8')
  USTAR_MAGIC.copy(b, 257)
  b.write(octal(0, 6), 329, 'latin1') // devmajor
  b.write(octal(0, 6), 337, 'latin1') // devminor
  b.write(f.prefix, 345, 155, 'utf8')
  b.write(octal(checksum(b), 6), 148, 'latin1')
  return b
}

/** ustar's name/prefix split: leading path parts move to the 155-byte prefix until the name fits in 100. ASCII only. */
function splitName(name: string): { name: string; prefix: string } | null {
  if (!isAscii(name)) return null
  let rest = name
  let prefix = ''
  while (rest.length > 100) {
    const i = rest.indexOf('/')
    if (i === -1) return null
    prefix += prefix ? `/${rest.slice(0, i)}` : rest.slice(0, i)
    rest = rest.slice(i + 1)
  }
  return prefix.length > 155 ? null : { name: rest, prefix }
}

const isAscii = (s: string) => /^[\x00-\x7f]*$/.test(s)
const fitsAscii = (s: string, max: number) => isAscii(s) && s.length <= max
/** A stand-in for readers without pax: the name's last `max` ASCII characters. */
const asciiTail = (s: string, max: number) => s.replace(/[^\x20-\x7e]/g, '_').slice(-max)

/** "<len> key=value\n", where len counts the whole record including its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`
  const n = Buffer.byteLength(body)
  let len = n + String(n).length
  if (String(len).length !== String(n).length) len = n + String(len).length
  return `${len}${body}`
}

/** `digits` octal digits and a space; the field's last byte stays NUL. */
function octal(value: number, digits: number): string {
  return value.toString(8).padStart(digits, '0') + ' '
}

function writeBase256(b: Buffer, at: number, len: number, value: number): void {
  b[at] = 0x80
  for (let i = len - 1, v = value; i > 0; i--, v = Math.floor(v / 256)) b[at + i] = v % 256
}

/** Sum of the header's bytes with the checksum field counted as spaces. */
function checksum(b: Buffer, signed = false): number {
  let sum = 8 * 0x20
  if (signed) {
    for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) sum += (b[i]! << 24) >> 24
    return sum
  }
  for (let i = 0; i < 148; i++) sum += b[i]!
  for (let i = 156; i < BLOCK; i++) sum += b[i]!
  return sum
}

/** A plain loop: a callback per byte (every()) was a tenth of a 100,000-entry replay. */
function isZeroBlock(b: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (b[i] !== 0) return false
  return true
}

/** Decodes one header block; null for a zero block (the end of the archive). Throws on a bad checksum. */
export function decodeHeader(b: Buffer, at: number): RawHeader | null {
  if (isZeroBlock(b)) return null
  const stored = readNumber(b, 148, 8)
  // The signed sum (old tars) only when the usual one fails: the header loop runs once per entry.
  if (stored !== checksum(b) && stored !== checksum(b, true)) {
    throw new Error(`invalid tar header at byte ${at}: bad checksum (is it a tar file, or still compressed?)`)
  }
  const flag = b[156]!
  const ustar = b.subarray(257, 263).equals(USTAR_MAGIC.subarray(0, 6))
  let name = readString(b, 0, 100)
  if (ustar && b[345] !== 0) name = `${readString(b, 345, 155)}/${name}`
  const type = flag === 0 && name.endsWith('/') ? 'directory' : (READ_TYPES[flag] ?? 'other')
  return {
    flag,
    name,
    type,
    mode: readNumber(b, 100, 8),
    uid: readNumber(b, 108, 8),
    gid: readNumber(b, 116, 8),
    size: readNumber(b, 124, 12),
    mtime: new Date(readNumber(b, 136, 12) * 1000),
    linkname: b[157] === 0 ? null : readString(b, 157, 100),
    uname: readString(b, 265, 32),
    gname: readString(b, 297, 32),
  }
}

/** pax records (`<len> key=value\n`) as a map; a malformed record ends the list. */
export function parsePax(buf: Buffer): Map<string, string> {
  const out = new Map<string, string>()
  let at = 0
  while (at < buf.length) {
    const space = buf.indexOf(0x20, at)
    const len = space === -1 ? NaN : Number(buf.toString('latin1', at, space))
    if (!Number.isInteger(len) || len <= space - at || at + len > buf.length) break
    const record = buf.toString('utf8', space + 1, at + len - 1)
    const eq = record.indexOf('=')
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1))
    at += len
  }
  return out
}

function readString(b: Buffer, at: number, len: number): string {
  const end = b.indexOf(0, at)
  return b.toString('utf8', at, end === -1 || end > at + len ? at + len : end)
}

/** Octal (NUL/space padded, maybe led by spaces) or base-256 (first byte 0x80, or 0xff for negative). */
function readNumber(b: Buffer, at: number, len: number): number {
  const first = b[at]!
  if (first & 0x80) {
    let v = 0
    for (let i = 1; i < len; i++) v = v * 256 + (first === 0xff ? 0xff - b[at + i]! : b[at + i]!)
    return first === 0xff ? -(v + 1) : v
  }
  let s = at
  const end = at + len
  while (s < end && (b[s] === 0x20 || b[s] === 0)) s++
  let v = 0
  for (let e = s; e < end && b[e]! >= 0x30 && b[e]! <= 0x37; e++) v = v * 8 + (b[e]! - 0x30)
  return v
}
