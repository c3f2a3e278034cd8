// readElf() on real binaries built here by go, gcc, strip and upx, and on
// hand-made broken files. Each tool-dependent group skips (or fails under
// GOSTATIC_REQUIRE_TOOLS=1) when its tools are absent.
import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readElf } from '../../src/inspect/elf-reader.js'
import type { ElfInfo } from '../../src/inspect/elf-reader.js'
import { missing } from '../support/tools.js'
import { malformedMessage } from '../support/errors.js'

const exec = promisify(execFile)
// GOCACHE is left alone so repeated runs reuse compiled packages.
const goEnv = { ...process.env, GOTOOLCHAIN: 'local', GOWORK: 'off', GOFLAGS: '', GOPROXY: 'off' }

let work: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gostatic-elf-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

async function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<void> {
  await exec(cmd, args, { cwd, env: { ...goEnv, ...env }, maxBuffer: 1 << 24 })
}

async function elfOf(path: string): Promise<ElfInfo> {
  return readElf(await readFile(path))
}


/** A copy of an ELF64 LE file with its section header table removed, as sstrip or UPX leave it. */
function withoutSectionHeaders(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes)
  const v = new DataView(copy.buffer)
  v.setBigUint64(40, 0n, true) // e_shoff
  v.setUint16(60, 0, true) // e_shnum
  v.setUint16(62, 0, true) // e_shstrndx
  return copy
}

const GO_MAIN = `package main

// The text keeps "UPX!" in .rodata: an ordinary binary must not be taken for a packed one.
const banner = "UPX! is only text here"

func main() { println(banner) }
`

describe.skipIf(missing('go'))('Go binaries', () => {
  let dir: string
  const bin = (name: string): string => join(dir, name)
  const build = (out: string, env: Record<string, string>, ...flags: string[]): Promise<void> =>
    run('go', ['build', ...flags, '-o', out, '.'], dir, { CGO_ENABLED: '0', ...env })

  beforeAll(async () => {
    dir = join(work, 'go')
    await mkdir(dir)
    await writeFile(join(dir, 'go.mod'), 'module example.com/fixture\n\ngo 1.22\n')
    await writeFile(join(dir, 'main.go'), GO_MAIN)
    // Sequential: go build already uses both cores, and the cache is shared.
    await build('static', { GOARCH: 'amd64' })
    await build('static-sw', { GOARCH: 'amd64' }, '-ldflags=-s -w')
    for (const arch of ['arm64', 'ppc64', 'mips', '386']) await build(`static-${arch}`, { GOARCH: arch }, '-ldflags=-s -w')
  })

  it('reports a CGO_ENABLED=0 binary as static: no interpreter, no needed libraries', async () => {
    const info = await elfOf(bin('static'))
    expect(info).toMatchObject({
      class: 64,
      endian: 'little',
      machine: 'x86_64',
      eMachine: 62,
      type: 'exec',
      osabi: 'sysv',
      interpreter: null,
      needed: [],
      isStatic: true,
      isPie: false,
      upx: false,
    })
    expect(info.sections).toEqual(expect.arrayContaining(['.text', '.rodata', '.go.buildinfo', '.data', '.bss']))
    expect(info.loadSegments.length).toBeGreaterThanOrEqual(2)
    // Text is mapped read+execute, data read+write: flags come through as PF_* bits.
    expect(info.loadSegments.map((s) => s.flags)).toEqual(expect.arrayContaining([5, 6]))
  })

  it.each([
    ['arm64', 'aarch64', 183, 64, 'little'],
    ['ppc64', 'ppc64', 21, 64, 'big'],
    ['mips', 'mips', 8, 32, 'big'],
    ['386', 'i386', 3, 32, 'little'],
  ] as const)('names the target of a GOARCH=%s build', async (arch, machine, eMachine, cls, endian) => {
    const info = await elfOf(bin(`static-${arch}`))
    expect(info).toMatchObject({ machine, eMachine, class: cls, endian, type: 'exec', isStatic: true, stripped: true })
    expect(info.sections).toContain('.go.buildinfo')
  })

  it('sees .symtab and DWARF in a default build, and neither after -ldflags="-s -w"', async () => {
    const full = await elfOf(bin('static'))
    expect(full).toMatchObject({ hasSymtab: true, hasDebug: true, stripped: false })
    expect(full.sections).toContain('.symtab')
    expect(full.sections.some((s) => s.startsWith('.debug_'))).toBe(true)
    const sw = await elfOf(bin('static-sw'))
    expect(sw).toMatchObject({ hasSymtab: false, hasDebug: false, stripped: true, upx: false })
  })

  it('does not take a binary that merely contains "UPX!" for a packed one', async () => {
    const bytes = await readFile(bin('static-sw'))
    expect(bytes.includes('UPX!')).toBe(true)
    expect(readElf(bytes).upx).toBe(false)
  })

  it('reads a binary whose section header table was removed', async () => {
    const bytes = await readFile(bin('static-sw'))
    const info = readElf(withoutSectionHeaders(bytes))
    expect(info).toMatchObject({ sections: [], stripped: true, upx: false, isStatic: true })
    expect(info.loadSegments).toEqual(readElf(bytes).loadSegments)
  })

  describe.skipIf(missing('strip'))('with strip', () => {
    it('strip --strip-unneeded removes .symtab and DWARF but not what the kernel maps', async () => {
      await run('strip', ['--strip-unneeded', '-o', bin('static-stripped'), bin('static')], dir)
      const before = await elfOf(bin('static'))
      const after = await elfOf(bin('static-stripped'))
      expect(after).toMatchObject({ hasSymtab: false, hasDebug: false, stripped: true })
      // GNU strip may trim the zero padding at the end of the last segment's
      // file image (filesz), which the kernel zero-fills anyway; everything
      // else about the mapping stays put.
      const shape = (i: ElfInfo) => i.loadSegments.map(({ offset, vaddr, memsz, flags, align }) => ({ offset, vaddr, memsz, flags, align }))
      expect(shape(after)).toEqual(shape(before))
      after.loadSegments.forEach((s, i) => expect(s.filesz).toBeLessThanOrEqual(before.loadSegments[i]!.filesz))
    })
  })

  describe.skipIf(missing('upx'))('with upx', () => {
    it('detects a UPX-packed Go binary', async () => {
      await copyFile(bin('static-sw'), bin('packed'))
      await run('upx', ['-q', '--no-progress', bin('packed')], dir)
      const info = await elfOf(bin('packed'))
      expect(info).toMatchObject({ upx: true, sections: [], stripped: true, machine: 'x86_64', class: 64 })
      expect(info.loadSegments.length).toBeGreaterThan(0)
    })
  })
})

describe.skipIf(missing('go', 'gcc'))('cgo binaries', () => {
  it.skipIf(process.arch !== 'x64')('reports a cgo binary as dynamically linked against glibc', async () => {
    const dir = join(work, 'cgo')
    await mkdir(dir)
    await writeFile(join(dir, 'go.mod'), 'module example.com/cgofixture\n\ngo 1.22\n')
    await writeFile(
      join(dir, 'main.go'),
      'package main\n\n/*\n#include <stdio.h>\nstatic void hello(void) { puts("hi"); }\n*/\nimport "C"\n\nfunc main() { C.hello() }\n',
    )
    await run('go', ['build', '-ldflags=-s -w', '-o', 'cgo', '.'], dir, { CGO_ENABLED: '1', CC: 'gcc' })
    const info = await elfOf(join(dir, 'cgo'))
    expect(info.interpreter).toBe('/lib64/ld-linux-x86-64.so.2')
    expect(info.needed).toContain('libc.so.6')
    expect(info.isStatic).toBe(false)
  })
})

describe.skipIf(missing('gcc'))('C programs from gcc', () => {
  let dir: string
  beforeAll(async () => {
    dir = join(work, 'c')
    await mkdir(dir)
    await writeFile(join(dir, 'hello.c'), '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n')
    await run('gcc', ['-O2', '-o', 'hello', 'hello.c'], dir)
  })

  it.skipIf(process.arch !== 'x64')('reports a default gcc build as a PIE needing libc through ld-linux', async () => {
    const info = await elfOf(join(dir, 'hello'))
    expect(info).toMatchObject({
      machine: 'x86_64',
      interpreter: '/lib64/ld-linux-x86-64.so.2',
      needed: ['libc.so.6'],
      isStatic: false,
      isPie: true,
      type: 'dyn',
      hasSymtab: true,
      upx: false,
    })
  })

  it('resolves DT_NEEDED through DT_STRTAB when the section headers are gone', async () => {
    const bytes = await readFile(join(dir, 'hello'))
    const info = readElf(withoutSectionHeaders(bytes))
    expect(info.sections).toEqual([])
    expect(info.needed).toEqual(readElf(bytes).needed)
    expect(info.interpreter).toBe(readElf(bytes).interpreter)
  })

  it('throws ELF_MALFORMED for every truncation of the file, never a RangeError', async () => {
    const bytes = await readFile(join(dir, 'hello'))
    // gcc writes the section header table last, so every proper prefix is incomplete.
    for (let cut = 0; cut < bytes.length; cut += cut < 4096 ? 7 : 509) {
      malformedMessage(() => readElf(bytes.subarray(0, cut)))
    }
    expect(malformedMessage(() => readElf(bytes.subarray(0, bytes.length - 1)))).toMatch(
      /^section header table \(offset 0x[0-9a-f]+, \d+ entries of 64 bytes\) runs past the end of the file \(\d+ bytes\)$/,
    )
  })

  describe.skipIf(missing('upx'))('with upx', () => {
    it('flags a packed dynamic program as UPX even though the stub hides its interpreter', async () => {
      await run('gcc', ['-O2', '-o', 'hello-packed', 'hello.c'], dir)
      await run('upx', ['-q', '--no-progress', 'hello-packed'], dir)
      const info = await elfOf(join(dir, 'hello-packed'))
      // UPX's stub maps ld.so itself, so PT_INTERP is gone: isStatic alone would lie.
      expect(info).toMatchObject({ upx: true, interpreter: null, sections: [] })
    })
  })
})

describe('malformed input', () => {
  // The smallest well-formed ELF64 LE executable header with one PT_LOAD.
  function tinyElf64(): Uint8Array {
    const b = new Uint8Array(64 + 56)
    const v = new DataView(b.buffer)
    b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])
    v.setUint16(16, 2, true) // ET_EXEC
    v.setUint16(18, 62, true) // EM_X86_64
    v.setUint32(20, 1, true)
    v.setBigUint64(32, 64n, true) // e_phoff
    v.setUint16(52, 64, true)
    v.setUint16(54, 56, true)
    v.setUint16(56, 1, true)
    v.setUint32(64, 1, true) // PT_LOAD
    v.setUint32(68, 5, true)
    v.setBigUint64(64 + 32, 120n, true) // p_filesz
    v.setBigUint64(64 + 40, 120n, true) // p_memsz
    return b
  }

  it('reads the smallest valid file', () => {
    expect(readElf(tinyElf64())).toMatchObject({ class: 64, machine: 'x86_64', sections: [], isStatic: true, upx: false })
  })

  it('rejects input that is not ELF at all', () => {
    for (const text of ['', '\x7fEL', '#!/bin/sh\necho hi\n', 'MZ\x90\x00']) {
      expect(malformedMessage(() => readElf(new TextEncoder().encode(text)))).toBe('not an ELF file: bad magic')
    }
  })

  it('rejects an unknown class or data encoding', () => {
    const b = tinyElf64()
    b[4] = 3
    expect(malformedMessage(() => readElf(b))).toMatch(/^unknown ELF class 3/)
    const c = tinyElf64()
    c[5] = 0
    expect(malformedMessage(() => readElf(c))).toMatch(/^unknown ELF data encoding 0/)
  })

  it('says which header is truncated and how long the file is', () => {
    expect(malformedMessage(() => readElf(tinyElf64().subarray(0, 20)))).toBe(
      'ELF64 header (offset 0x0, 64 bytes) runs past the end of the file (20 bytes)',
    )
    expect(malformedMessage(() => readElf(tinyElf64().subarray(0, 100)))).toBe(
      'program header table (offset 0x40, 1 entries of 56 bytes) runs past the end of the file (100 bytes)',
    )
  })

  it('rejects a section header table that points past the end', () => {
    const b = tinyElf64()
    const v = new DataView(b.buffer)
    v.setBigUint64(40, 0x1000n, true) // e_shoff
    v.setUint16(58, 64, true)
    v.setUint16(60, 64, true)
    expect(malformedMessage(() => readElf(b))).toBe(
      'section header table (offset 0x1000, 1 entries of 64 bytes) runs past the end of the file (120 bytes)',
    )
  })

  it('rejects a 64-bit offset no file can have instead of rounding it', () => {
    const b = tinyElf64()
    new DataView(b.buffer).setBigUint64(32, 0xffff_ffff_ffff_fff0n, true)
    expect(malformedMessage(() => readElf(b))).toMatch(/^e_phoff is 0xfffffffffffffff0, which is larger than/)
  })

  it('rejects a PT_INTERP that is not NUL-terminated', () => {
    const b = tinyElf64()
    const v = new DataView(b.buffer)
    v.setUint32(64, 3, true) // PT_INTERP over the first 4 bytes: "\x7fELF", no NUL
    v.setBigUint64(64 + 8, 0n, true)
    v.setBigUint64(64 + 32, 4n, true)
    expect(malformedMessage(() => readElf(b))).toBe('PT_INTERP (program header 0) at 0x0 is not NUL-terminated before 0x4')
  })
})
