// The check after strip, on a real Go binary and the real strip: it passes
// what strip --strip-unneeded does after -s -w (the section table moves, the
// old one stays behind), and refuses a change to a loaded byte. It compares
// in place, so a byte the masks do not cover must still be caught.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readElf } from '../../src/inspect/elf-reader.js'
import { checkStripKeptLoad } from '../../src/verify/strip-check.js'
import { missing } from '../support/tools.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-strip-check-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe.skipIf(missing('go', 'strip'))('checkStripKeptLoad on a real Go binary', () => {
  let before: Buffer
  let after: Buffer
  beforeAll(() => {
    const bin = join(tmp, 'hello')
    const env = { ...process.env, CGO_ENABLED: '0' }
    execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', bin, '.'], { cwd: resolve('examples/hello'), env })
    execFileSync('strip', ['--strip-unneeded', '-o', `${bin}.stripped`, bin])
    before = readFileSync(bin)
    after = readFileSync(`${bin}.stripped`)
  }, 120_000)

  it('passes what strip did: a new section table, loaded bytes unchanged', () => {
    expect(after.equals(before)).toBe(false)
    expect(() => checkStripKeptLoad(before, after, 'strip', 'hello')).not.toThrow()
  })

  it('refuses one changed byte in the middle of a loaded segment, and at its last byte', () => {
    const seg = readElf(after).loadSegments[1]!
    for (const at of [seg.offset + Math.floor(seg.filesz / 2), seg.offset + seg.filesz - 1]) {
      const bad = Buffer.from(after)
      bad[at] = bad[at]! ^ 0xff
      const check = () => checkStripKeptLoad(before, bad, 'strip', 'hello')
      expect(check, `byte ${at}`).toThrow(/strip changed what the kernel loads from hello: PT_LOAD 1 bytes differ/)
    }
  })

  it('refuses a changed byte just past the header tables it may ignore (the old section table, the program headers)', () => {
    // Go puts the section table of a -s -w binary right after the program headers, inside the first PT_LOAD.
    const sections = (b: Buffer) => Number(b.readBigUInt64LE(0x28)) + b.readUInt16LE(0x3a) * b.readUInt16LE(0x3c)
    const programs = (b: Buffer) => 64 + b.readUInt16LE(0x36) * b.readUInt16LE(0x38)
    const tableEnd = (b: Buffer) => Math.max(sections(b), programs(b))
    const at = tableEnd(before) + 8
    const text = readElf(after).loadSegments[0]!
    expect(at).toBeLessThan(text.offset + text.filesz)
    expect(at).toBeLessThan(Number(after.readBigUInt64LE(0x28))) // not in the new table either
    const bad = Buffer.from(after)
    bad[at] = bad[at]! ^ 0x01
    expect(() => checkStripKeptLoad(before, bad, 'strip', 'hello')).toThrow(/PT_LOAD 0 bytes differ/)
    const fine = Buffer.from(after)
    const inOldTable = tableEnd(before) - 8
    fine[inOldTable] = fine[inOldTable]! ^ 0x01 // what strip leaves of the old table is not loaded meaningfully
    expect(() => checkStripKeptLoad(before, fine, 'strip', 'hello')).not.toThrow()
  })
})
