// readGoFuncTable() on real Go binaries built here, for amd64, arm64, 386 and
// arm, stripped with -s -w, with strip --strip-unneeded and with the section
// headers removed; checked against two independent oracles: Go's own
// debug/gosym (a small program reads the same file) and `go tool nm` on the
// unstripped build. Also an older toolchain (GOTOOLCHAIN=go1.21.13, the
// oldest the module proxy serves), and the not-a-Go-binary and UPX cases.
import { execFile, spawnSync } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readGoFuncTable } from '../../src/inspect/go-pclntab.js'
import type { GoFuncTable } from '../../src/inspect/go-pclntab.js'
import { malformedMessage } from '../support/errors.js'
import { OLD_GO, missing, missingToolchain } from '../support/tools.js'
import { gosymProgram } from '../support/gosym-oracle.js'

const exec = promisify(execFile)
const ARCHS = ['amd64', 'arm64', '386', 'arm'] as const
type Arch = (typeof ARCHS)[number]

const goEnv = { ...process.env, GOWORK: 'off', GOFLAGS: '', GOPROXY: 'off', CGO_ENABLED: '0' }
const run = async (cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> =>
  (await exec(cmd, args, { cwd, env: { ...goEnv, GOTOOLCHAIN: 'local', ...env }, maxBuffer: 1 << 26 })).stdout

const PROGRAM = `package main

import (
	"fmt"
	"os"
	"os/user"
	"time"
)

func main() {
	loc, err := time.LoadLocation(os.Getenv("ZONE"))
	u, uerr := user.Current()
	fmt.Println(loc, err, u, uerr)
}
`

// The oracle: the function names debug/gosym finds in the file's .gopclntab.
const GOSYM = gosymProgram('fmt.Println(fn.Name)')

/** The same file without section headers, as sstrip leaves it. */
function dropSectionHeaders(bytes: Uint8Array): Uint8Array {
  const b = new Uint8Array(bytes)
  const v = new DataView(b.buffer)
  const is64 = b[4] === 2
  if (is64) v.setBigUint64(40, 0n, true)
  else v.setUint32(32, 0, true)
  v.setUint16(is64 ? 60 : 48, 0, true)
  v.setUint16(is64 ? 62 : 50, 0, true)
  return b
}

let work: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gostatic-pclntab-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

const table = async (path: string): Promise<GoFuncTable> => {
  const t = readGoFuncTable(await readFile(path))
  if (t === null) throw new Error(`no function table in ${path}`)
  return t
}
let gosymBuilt: Promise<string> | undefined
function gosymBin(): Promise<string> {
  gosymBuilt ??= (async () => {
    const dir = join(work, 'gosym')
    await mkdir(dir)
    await writeFile(join(dir, 'go.mod'), 'module example.com/gosym\n\ngo 1.21\n')
    await writeFile(join(dir, 'main.go'), GOSYM)
    await run('go', ['build', '-o', 'gosym', '.'], dir, { CGO_ENABLED: '' })
    return join(dir, 'gosym')
  })()
  return gosymBuilt
}
const gosym = async (path: string): Promise<string[]> => (await run(await gosymBin(), [path], work)).trimEnd().split('\n')

// A strip that reads this target's ELF, as the plan's strip candidates do.
async function stripUnneeded(src: string, dst: string): Promise<void> {
  await copyFile(src, dst)
  for (const tool of ['strip', 'llvm-strip']) {
    if (spawnSync(tool, ['--strip-unneeded', dst]).status === 0) return
  }
  throw new Error(`neither strip nor llvm-strip could strip ${src}`)
}

describe.skipIf(missing('go', 'strip', 'llvm-strip'))('function tables of real Go binaries', () => {
  let app: string
  beforeAll(async () => {
    app = join(work, 'app')
    await mkdir(app)
    await writeFile(join(app, 'go.mod'), 'module example.com/app\n\ngo 1.21\n')
    await writeFile(join(app, 'main.go'), PROGRAM)
    for (const arch of ARCHS) {
      await run('go', ['build', '-trimpath', '-o', `full-${arch}`, '.'], app, { GOARCH: arch })
      await run('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', `sw-${arch}`, '.'], app, { GOARCH: arch })
      await stripUnneeded(join(app, `full-${arch}`), join(app, `strip-${arch}`))
    }
  })
  const bin = (name: string): string => join(app, name)

  it.each(ARCHS)('reads what debug/gosym reads from the -s -w build for %s', async (arch) => {
    const t = await table(bin(`sw-${arch}`))
    expect(t.functions).toEqual(await gosym(bin(`sw-${arch}`)))
    expect(t.functions.length).toBeGreaterThan(1000)
    expect(t).toMatchObject({
      format: 'go1.20',
      location: 'section .gopclntab',
      ptrSize: arch === 'amd64' || arch === 'arm64' ? 8 : 4,
      quantum: arch === 'amd64' || arch === '386' ? 1 : 4,
    })
    expect(t.functions).toContain('main.main')
    expect(t.names).toContain('time.LoadLocation')
  })

  it.each(ARCHS)('reads the same table after strip --strip-unneeded for %s', async (arch) => {
    const stripped = await table(bin(`strip-${arch}`))
    expect(stripped.functions).toEqual(await gosym(bin(`strip-${arch}`)))
    expect(stripped.names).toEqual((await table(bin(`sw-${arch}`))).names)
  })

  it.each(ARCHS)('finds the table without section headers for %s', async (arch) => {
    const bytes = await readFile(bin(`sw-${arch}`))
    const t = readGoFuncTable(dropSectionHeaders(bytes))
    expect(t?.location).toMatch(/^function table at 0x[0-9a-f]+ in segment \(program header \d+\)$/)
    expect(t?.functions).toEqual(readGoFuncTable(bytes)?.functions)
    expect(t?.names).toEqual(readGoFuncTable(bytes)?.names)
  })

  // nm reads the symbol table, which -s -w drops: an oracle that shares no code
  // path with the function table. It spells assembly functions with an .abi0
  // suffix and a few names with '.' where the table has '·', and adds the
  // runtime.text/etext markers, which are not functions.
  it.each(ARCHS)('lists the text symbols `go tool nm` shows for the unstripped %s build', async (arch) => {
    const nm = (await run('go', ['tool', 'nm', bin(`full-${arch}`)], app))
      .split('\n')
      .map((l) => /^\s*[0-9a-f]+ [Tt] (.+)$/.exec(l)?.[1])
      .filter((n): n is string => n !== undefined && n !== 'runtime.text' && n !== 'runtime.etext')
    const norm = (names: string[]): string[] => [...new Set(names.map((n) => n.replace(/\.abi0$/, '').replaceAll('·', '.')))].sort()
    expect(norm((await table(bin(`sw-${arch}`))).functions)).toEqual(norm(nm))
  })

  it('keeps the names of functions that exist only inlined', async () => {
    const t = await table(bin('sw-amd64'))
    const inlinedOnly = t.names.filter((n) => !new Set(t.functions).has(n))
    expect(inlinedOnly.length).toBeGreaterThan(0)
    expect(new Set(t.names)).toEqual(new Set([...t.functions, ...inlinedOnly]))
  })

  it('returns null for a binary that is not Go', async () => {
    const c = join(work, 'hello.c')
    await writeFile(c, 'int main(void) { return 0; }\n')
    await run('gcc', ['-static', '-o', join(work, 'hello-c'), c], work)
    expect(readGoFuncTable(await readFile(join(work, 'hello-c')))).toBeNull()
  })

  it('names the section of a table in a format before Go 1.18', async () => {
    const bytes = new Uint8Array(await readFile(bin('sw-amd64')))
    const at = (await exec('readelf', ['-SW', bin('sw-amd64')])).stdout.match(/\.gopclntab\s+PROGBITS\s+[0-9a-f]+ ([0-9a-f]+)/)![1]!
    new DataView(bytes.buffer).setUint32(parseInt(at, 16), 0xfffffffa, true)
    expect(malformedMessage(() => readGoFuncTable(bytes))).toMatchInlineSnapshot(
      `"section .gopclntab has the function table format of Go releases before 1.18, which gostatic does not read"`,
    )
  })

  it('says which offset is wrong in a damaged header', async () => {
    const bytes = new Uint8Array(await readFile(bin('sw-386')))
    const at = parseInt((await exec('readelf', ['-SW', bin('sw-386')])).stdout.match(/\.gopclntab\s+PROGBITS\s+[0-9a-f]+ ([0-9a-f]+)/)![1]!, 16)
    // 386: the cutab offset is the 5th pointer-sized word after the 8-byte prefix.
    new DataView(bytes.buffer).setUint32(at + 8 + 4 * 4, 0x10, true)
    expect(malformedMessage(() => readGoFuncTable(bytes))).toMatch(
      /^section \.gopclntab: the cutab offset 0x10 is out of order or outside the table \(\d+ bytes\)$/,
    )
  })
})

describe.skipIf(missing('go', 'upx'))('a UPX-packed Go binary', () => {
  it('has no readable function table', async () => {
    const dir = join(work, 'upx')
    await mkdir(dir)
    await writeFile(join(dir, 'go.mod'), 'module example.com/upx\n\ngo 1.21\n')
    await writeFile(join(dir, 'main.go'), PROGRAM)
    await run('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', 'app', '.'], dir, { GOARCH: 'amd64' })
    await run('upx', ['-q', '-1', 'app'], dir)
    expect(readGoFuncTable(await readFile(join(dir, 'app')))).toBeNull()
  })
})

// go1.21.13 writes the same 0xfffffff1 format as Go 1.20.
describe.skipIf(missingToolchain(OLD_GO))(`function tables written by ${OLD_GO}`, () => {
  const old: Arch[] = ['amd64', 'arm64', 'arm']
  let dir: string
  beforeAll(async () => {
    dir = join(work, 'old')
    await mkdir(dir)
    await writeFile(join(dir, 'go.mod'), 'module example.com/old\n\ngo 1.21\n')
    await writeFile(join(dir, 'main.go'), PROGRAM)
    for (const arch of old) {
      await run('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', `sw-${arch}`, '.'], dir, { GOARCH: arch, GOTOOLCHAIN: OLD_GO })
    }
  })

  it.each(old)('reads what debug/gosym reads for %s', async (arch) => {
    const path = join(dir, `sw-${arch}`)
    expect((await run('go', ['version', path], dir)).trim()).toBe(`${path}: ${OLD_GO}`)
    const t = await table(path)
    expect(t.format).toBe('go1.20')
    expect(t.functions).toEqual(await gosym(path))
    expect(t.names).toContain('time.LoadLocation')
  })
})
