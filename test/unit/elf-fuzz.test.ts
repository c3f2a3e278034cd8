// Property: whatever bytes arrive, readElf, readGoBuildInfo and
// readGoFuncTable either return a (JSON-serialisable) value or throw
// GostaticError(ELF_MALFORMED) — never a RangeError, TypeError or hang. Seeds
// are valid ELF files: synthetic ones in all four class/endian combinations
// that carry PT_INTERP, DT_NEEDED, sections, Go build info and a Go function
// table, a real program from gcc, and a real stripped Go program.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorCode, GostaticError } from '../../src/errors.js'
import { readElf } from '../../src/inspect/elf-reader.js'
import { readGoBuildInfo } from '../../src/inspect/go-buildinfo.js'
import { parseElf } from '../../src/inspect/elf-headers.js'
import { readGoFuncTable } from '../../src/inspect/go-pclntab.js'
import { missing } from '../support/tools.js'

const NUM_RUNS = 10_000

// ---- a tiny but complete ELF, written field by field -----------------------

function synthElf(is64: boolean, little: boolean): Uint8Array {
  const buf = new Uint8Array(2048)
  const v = new DataView(buf.buffer)
  const u16 = (o: number, x: number) => v.setUint16(o, x, little)
  const u32 = (o: number, x: number) => v.setUint32(o, x, little)
  const word = (o: number, x: number) => (is64 ? v.setBigUint64(o, BigInt(x), little) : v.setUint32(o, x, little))
  const W = is64 ? 8 : 4
  const enc = new TextEncoder()
  let end = 0
  const put = (bytes: Uint8Array, align = 1): number => {
    const at = Math.ceil(end / align) * align
    buf.set(bytes, at)
    end = at + bytes.length
    return at
  }
  const ehsize = is64 ? 64 : 52
  const phentsize = is64 ? 56 : 32
  const shentsize = is64 ? 64 : 40
  const phnum = 5
  const base = 0x400000
  end = ehsize + phnum * phentsize

  const interp = put(enc.encode('/lib/ld-fuzz.so.1\0'))
  const dynstrBytes = enc.encode('\0libc.so.6\0libm.so.6\0')
  const dynstr = put(dynstrBytes)
  const dynEntries: [number, number][] = [[1, 1], [1, 11], [5, base + dynstr], [10, dynstrBytes.length], [0, 0]]
  const dynamic = put(new Uint8Array(dynEntries.length * 2 * W), W)
  dynEntries.forEach(([tag, val], i) => {
    word(dynamic + i * 2 * W, tag)
    word(dynamic + i * 2 * W + W, val)
  })
  const sentinel = new Uint8Array(16).fill(0x5a)
  const modText = enc.encode('path\tex.com/f\nmod\tex.com/f\t(devel)\t\ndep\tex.com/d\tv1.0.0\n=>\t../d\t(devel)\t\nbuild\tCGO_ENABLED=0\nbuild\t-ldflags="-s -w"\n')
  const mod = new Uint8Array([...sentinel, ...modText, ...sentinel])
  const vers = enc.encode('go1.26.0')
  const header = new Uint8Array(32)
  header.set([0xff, ...enc.encode(' Go buildinf:'), W, 0x02])
  const uvarint = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...uvarint(n >> 7)])
  const buildinfo = put(new Uint8Array([...header, ...uvarint(vers.length), ...vers, ...uvarint(mod.length), ...mod]), 16)
  const buildinfoSize = end - buildinfo
  const pclntab = put(synthPclntab(is64, little), 8)
  const pclntabSize = end - pclntab
  const names = ['', '.interp', '.dynstr', '.dynamic', '.go.buildinfo', '.symtab', '.debug_info', '.shstrtab', '.gopclntab']
  const strtab = put(enc.encode(names.join('\0') + '\0'))
  const nameOff = names.map((_, i) => names.slice(0, i).reduce((n, s) => n + s.length + 1, 0))
  const strtabSize = end - strtab
  const shoff = Math.ceil(end / 8) * 8
  // [name, type, offset, size, link]
  const sections: [number, number, number, number, number][] = [
    [0, 0, 0, 0, 0],
    [1, 1, interp, 18, 0],
    [2, 3, dynstr, dynstrBytes.length, 0],
    [3, 6, dynamic, dynEntries.length * 2 * W, 2],
    [4, 1, buildinfo, buildinfoSize, 0],
    [5, 2, strtab, 0, 7],
    [6, 1, strtab, 0, 0],
    [7, 3, strtab, strtabSize, 0],
    [8, 1, pclntab, pclntabSize, 0],
  ]
  end = shoff + sections.length * shentsize
  sections.forEach(([n, type, off, size, link], i) => {
    const s = shoff + i * shentsize
    u32(s, nameOff[n]!)
    u32(s + 4, type)
    word(s + (is64 ? 24 : 16), off)
    word(s + (is64 ? 32 : 20), size)
    u32(s + (is64 ? 40 : 24), link)
  })

  buf.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, little ? 1 : 2, 1, 0])
  u16(16, 2) // ET_EXEC
  u16(18, is64 ? 62 : 3)
  u32(20, 1)
  word(is64 ? 32 : 28, ehsize) // e_phoff
  word(is64 ? 40 : 32, shoff)
  u16(is64 ? 52 : 40, ehsize)
  u16(is64 ? 54 : 42, phentsize)
  u16(is64 ? 56 : 44, phnum)
  u16(is64 ? 58 : 46, shentsize)
  u16(is64 ? 60 : 48, sections.length)
  u16(is64 ? 62 : 50, 7)
  // [type, flags, offset, size]: text covers the file, data covers build info.
  const phdrs: [number, number, number, number][] = [
    [1, 5, 0, end],
    [3, 4, interp, 18],
    [2, 6, dynamic, dynEntries.length * 2 * W],
    [1, 6, buildinfo, buildinfoSize],
    [1, 4, pclntab, pclntabSize],
  ]
  phdrs.forEach(([type, flags, off, size], i) => {
    const p = ehsize + i * phentsize
    u32(p, type)
    if (is64) {
      u32(p + 4, flags)
      for (const [f, x] of [[8, off], [16, base + off], [24, base + off], [32, size], [40, size], [48, 16]] as const) word(p + f, x)
    } else {
      for (const [f, x] of [[4, off], [8, base + off], [12, base + off], [16, size], [20, size], [24, flags], [28, 16]] as const) u32(p + f, x)
    }
  })
  return buf.slice(0, end)
}

/** A Go 1.20 function table: two functions, one more name that was only inlined. */
function synthPclntab(is64: boolean, little: boolean): Uint8Array {
  const W = is64 ? 8 : 4
  const enc = new TextEncoder()
  const nametab = enc.encode('main.main\0fmt.Println\0runtime.inlined\0')
  const header = 8 + 8 * W
  const cu = header + nametab.length
  const file = cu + 4
  const pc = file + 8
  const fn = pc + 4
  // functab: (entry, record) pairs and an end entry, then the two records.
  const functab = [0, 20, 0x10, 28, 0x20]
  const records = [[0, 0], [0x10, 10]]
  const buf = new Uint8Array(fn + functab.length * 4 + records.length * 8)
  const v = new DataView(buf.buffer)
  v.setUint32(0, 0xfffffff1, little)
  buf.set([0, 0, 1, W], 4)
  const words = [2, 1, 0, header, cu, file, pc, fn]
  words.forEach((x, i) => (is64 ? v.setBigUint64(8 + i * 8, BigInt(x), little) : v.setUint32(8 + i * 4, x, little)))
  buf.set(nametab, header)
  buf.set(enc.encode('x.go\0'), file)
  functab.forEach((x, i) => v.setUint32(fn + i * 4, x, little))
  records.forEach(([entry, name], i) => {
    v.setUint32(fn + 20 + i * 8, entry!, little)
    v.setUint32(fn + 24 + i * 8, name!, little)
  })
  return buf
}

// ---- mutations --------------------------------------------------------------

type Mutation =
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'field'; at: number; width: 1 | 2 | 4 | 8; value: bigint; little: boolean }
  | { kind: 'truncate'; at: number }
  | { kind: 'splice'; from: number; to: number; len: number }
  | { kind: 'append'; bytes: Uint8Array }

// Most damage lands in the headers at the start, the section table at the
// end, and (in a large file) the 512 bytes after each hot spot.
function positions(hot: readonly number[]): fc.Arbitrary<number> {
  const near = hot.map((h) => ({ arbitrary: fc.integer({ min: h, max: h + 511 }), weight: 2 }))
  return fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 255 }), weight: 3 },
    { arbitrary: fc.integer({ min: -400, max: -1 }), weight: 2 },
    { arbitrary: fc.nat(), weight: 2 },
    ...near,
  )
}
const interesting = fc.oneof(
  fc.constantFrom(0n, 1n, 2n, 0x7fn, 0x80n, 0xffn, 0xffffn, 0x7fffffffn, 0xffffffffn, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n),
  fc.bigInt({ min: 0n, max: 4096n }),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
)
const mutations = (position: fc.Arbitrary<number>): fc.Arbitrary<Mutation> => fc.oneof(
  fc.record({ kind: fc.constant('byte' as const), at: position, value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant('field' as const),
    at: position,
    width: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
    value: interesting,
    little: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), from: position, to: position, len: fc.integer({ min: 1, max: 128 }) }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
)

function mutate(seed: Uint8Array, mutations: Mutation[]): Uint8Array {
  let b = new Uint8Array(seed)
  const idx = (at: number) => (b.length === 0 ? 0 : ((at % b.length) + b.length) % b.length)
  for (const m of mutations) {
    if (m.kind === 'byte') {
      if (b.length > 0) b[idx(m.at)] = m.value
    } else if (m.kind === 'field') {
      const at = idx(m.at)
      const bytes = new Uint8Array(8)
      new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, m.value), true)
      const field = bytes.subarray(0, m.width)
      if (!m.little) field.reverse()
      b.set(field.subarray(0, Math.max(0, b.length - at)), at)
    } else if (m.kind === 'truncate') {
      b = b.slice(0, m.at % (b.length + 1))
    } else if (m.kind === 'splice') {
      const chunk = b.slice(idx(m.from), idx(m.from) + m.len)
      const at = idx(m.to)
      b.set(chunk.subarray(0, Math.max(0, b.length - at)), at)
    } else {
      const grown = new Uint8Array(b.length + m.bytes.length)
      grown.set(b)
      grown.set(m.bytes, b.length)
      b = grown
    }
  }
  return b
}

function onlyMalformed(fn: () => unknown): void {
  try {
    // A report is JSON: a value that cannot be serialised (a bigint) is a bug too.
    JSON.stringify(fn())
  } catch (e) {
    if (!(e instanceof GostaticError) || e.code !== ErrorCode.ELF_MALFORMED) throw e
  }
}

function checkSeeds(seeds: Uint8Array[], hot: readonly number[] = []): void {
  const mutation = mutations(positions(hot))
  fc.assert(
    fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (which, ms) => {
      const bytes = mutate(seeds[which]!, ms)
      onlyMalformed(() => readElf(bytes))
      onlyMalformed(() => readGoBuildInfo(bytes))
      onlyMalformed(() => readGoFuncTable(bytes))
    }),
    { numRuns: NUM_RUNS },
  )
}

// ---- properties -------------------------------------------------------------

describe('mutated ELF files', () => {
  const combos = [
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ] as const
  const seeds = combos.map(([is64, little]) => synthElf(is64, little))

  it.each(combos)('starts from a valid seed (64-bit %s, little-endian %s)', (is64, little) => {
    const bytes = synthElf(is64, little)
    expect(readElf(bytes)).toMatchObject({
      class: is64 ? 64 : 32,
      endian: little ? 'little' : 'big',
      interpreter: '/lib/ld-fuzz.so.1',
      needed: ['libc.so.6', 'libm.so.6'],
      hasSymtab: true,
      hasDebug: true,
    })
    expect(readGoBuildInfo(bytes)).toMatchObject({
      goVersion: 'go1.26.0',
      path: 'ex.com/f',
      deps: [{ path: 'ex.com/d', replace: { path: '../d' } }],
      settings: { CGO_ENABLED: '0', '-ldflags': '-s -w' },
    })
    const funcs = { format: 'go1.20', functions: ['main.main', 'fmt.Println'], names: ['main.main', 'fmt.Println', 'runtime.inlined'] }
    expect(readGoFuncTable(bytes)).toMatchObject({ ...funcs, location: 'section .gopclntab', ptrSize: is64 ? 8 : 4 })
    // Without section headers the table is found by scanning the read-only segment.
    const noShdrs = new Uint8Array(bytes)
    noShdrs.fill(0, is64 ? 40 : 32, is64 ? 48 : 36)
    expect(readGoFuncTable(noShdrs)).toMatchObject({ ...funcs, location: expect.stringMatching(/program header 4/) })
  })

  it(`readElf, readGoBuildInfo and readGoFuncTable only ever throw ELF_MALFORMED (${NUM_RUNS} synthetic mutants)`, () => {
    checkSeeds(seeds)
  })
})

describe.skipIf(missing('gcc'))('mutated gcc output', () => {
  let seed: Uint8Array
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gostatic-fuzz-'))
    await writeFile(join(dir, 'hello.c'), '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n')
    await promisify(execFile)('gcc', ['-O2', '-s', '-o', 'hello', 'hello.c'], { cwd: dir })
    seed = new Uint8Array(await readFile(join(dir, 'hello')))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it(`readElf, readGoBuildInfo and readGoFuncTable only ever throw ELF_MALFORMED (${NUM_RUNS} mutants of a gcc program)`, () => {
    expect(readElf(seed).needed.length).toBeGreaterThan(0)
    checkSeeds([seed])
  })
})

describe.skipIf(missing('go'))('mutated Go program', () => {
  let seed: Uint8Array
  let hot: number[]
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gostatic-fuzz-go-'))
    await writeFile(join(dir, 'go.mod'), 'module example.com/fuzz\n\ngo 1.21\n')
    await writeFile(join(dir, 'main.go'), 'package main\n\nfunc main() { println("hi") }\n')
    const env = { ...process.env, GOTOOLCHAIN: 'local', GOWORK: 'off', GOFLAGS: '', GOPROXY: 'off', CGO_ENABLED: '0', GOARCH: '386' }
    await promisify(execFile)('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', 'hello', '.'], { cwd: dir, env })
    seed = new Uint8Array(await readFile(join(dir, 'hello')))
    // The function table's header, name table and functab: where a reader of it can go wrong.
    const sec = parseElf(seed).sections.find((s) => s.name === '.gopclntab')!
    const word = (i: number): number => new DataView(seed.buffer, seed.byteOffset).getUint32(sec.offset + 8 + 4 * i, true)
    hot = [sec.offset, sec.offset + word(3), sec.offset + word(4) - 256, sec.offset + word(7)]
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it(`readElf, readGoBuildInfo and readGoFuncTable only ever throw ELF_MALFORMED (${NUM_RUNS} mutants of a stripped Go program)`, () => {
    expect(readGoFuncTable(seed)?.functions).toContain('main.main')
    checkSeeds([seed], hot)
  })
})
