// The HTML report's two promises on a real Go binary built here: the
// treemap's bytes are attributed honestly (per package as Go's own
// debug/gosym attributes them, the same with and without symbols, every
// byte of the file counted once), and nothing read from the binary becomes
// markup. Plus the squarified layout on plain numbers.
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attributeBytes } from '../../src/inspect/binary-bytes.js'
import { readGoBuildInfo } from '../../src/inspect/go-buildinfo.js'
import { inspect } from '../../src/inspect/inspect.js'
import type { ByteAttribution } from '../../src/inspect/inspect-report.js'
import { renderReportHtml } from '../../src/inspect/report-html.js'
import { golangPurl, stdlibPurl } from '../../src/attest/purl.js'
import { squarify } from '../../src/inspect/treemap-layout.js'
import { parseCLI } from '../../src/cli/parse-cli.js'
import { missing } from '../support/tools.js'
import { gosymProgram } from '../support/gosym-oracle.js'

const exec = promisify(execFile)
const goEnv = { ...process.env, GOWORK: 'off', GOFLAGS: '', GOPROXY: 'off', CGO_ENABLED: '0', GOTOOLCHAIN: 'local' }
const run = async (args: string[], cwd: string): Promise<string> =>
  (await exec('go', args, { cwd, env: goEnv, maxBuffer: 1 << 26 })).stdout

const MARKUP = '<script>alert(1)</script>'
const FILE_NAME = 'app<img src=x onerror=alert(2)>'

// Enough distinct arithmetic that the package's code is tens of KiB.
const heavy = (): string => {
  const lines = Array.from({ length: 1500 }, (_, i) => `\th = (h ^ x[${i % 7}]) * ${2 * i + 0x9e3779b1} + ${i * 7 + 3}`)
  return `package heavy\n\n//go:noinline\nfunc Mix(x [7]uint64) uint64 {\n\tvar h uint64\n${lines.join('\n')}\n\treturn h\n}\n`
}

// A dependency whose last path element has a dot (the linker writes it %2e)
// and a generic function (its symbol carries type arguments in brackets).
const DOTTED = `package dotted

//go:noinline
func Map[T any](xs []T, f func(T) T) []T {
	out := make([]T, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}
`

const MAIN = `package main

import (
	"fmt"
	"os"

	"example.com/dotted.v2"
	"example.com/sizes/heavy"
)

var tag = "none"

func main() {
	var x [7]uint64
	x[0] = uint64(len(os.Args))
	fmt.Println(tag, heavy.Mix(x), dotted.Map([]int{1, 2}, func(i int) int { return i * 2 }))
}
`

// The oracle: each function's size and package as Go's debug/gosym reads them.
const GOSYM = gosymProgram('fmt.Printf("%d\\t%s\\n", fn.End-fn.Entry, fn.PackageName())')

let work: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gostatic-inspect-html-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

const sum = (xs: readonly { bytes: number }[]): number => xs.reduce((n, x) => n + x.bytes, 0)

function codeByPackage(a: ByteAttribution): Map<string, number> {
  const out = new Map<string, number>()
  for (const m of a.modules) if (m.role !== 'generated') for (const p of m.packages) out.set(p.path, p.bytes)
  return out
}

describe.skipIf(missing('go'))('the treemap of a real Go binary', () => {
  let full = ''
  let stripped = ''
  let oracle: Map<string, number>
  beforeAll(async () => {
    const app = join(work, 'sizes')
    await mkdir(join(app, 'heavy'), { recursive: true })
    await mkdir(join(work, 'dotted'), { recursive: true })
    await writeFile(join(work, 'dotted', 'go.mod'), 'module example.com/dotted.v2\n\ngo 1.21\n')
    await writeFile(join(work, 'dotted', 'dotted.go'), DOTTED)
    const gomod = 'module example.com/sizes\n\ngo 1.21\n\nrequire example.com/dotted.v2 v0.1.0\n\n'
    await writeFile(join(app, 'go.mod'), `${gomod}replace example.com/dotted.v2 => ../dotted\n`)
    await writeFile(join(app, 'main.go'), MAIN)
    await writeFile(join(app, 'heavy', 'heavy.go'), heavy())
    full = join(work, FILE_NAME)
    stripped = join(work, 'app-stripped')
    // No -trimpath: with it, Go leaves -ldflags (and so the markup) out of the build info.
    await run(['build', `-ldflags=-X main.tag=${MARKUP}`, '-o', full, '.'], app)
    await run(['build', `-ldflags=-s -w -X main.tag=${MARKUP}`, '-o', stripped, '.'], app)
    const gosym = join(work, 'gosym')
    await mkdir(gosym)
    await writeFile(join(gosym, 'go.mod'), 'module example.com/gosym\n\ngo 1.21\n')
    await writeFile(join(gosym, 'main.go'), GOSYM)
    await run(['build', '-o', 'gosym', '.'], gosym)
    oracle = new Map()
    for (const line of (await exec(join(gosym, 'gosym'), [full])).stdout.replace(/\n$/, '').split('\n')) {
      const [size, pkg] = line.split('\t') as [string, string]
      // gosym keeps the linker's escaping of dots; a package path has them unescaped.
      const path = pkg.replace(/%2e/g, '.')
      oracle.set(path, (oracle.get(path) ?? 0) + Number(size))
    }
  }, 240_000)

  it('attributes code to each package exactly as debug/gosym does, with or without symbols', async () => {
    const bytes = await readFile(full)
    const a = attributeBytes(bytes, readGoBuildInfo(bytes))
    expect(a.code).toBe('function table')
    const generated = oracle.get('') ?? 0
    oracle.delete('')
    expect(codeByPackage(a)).toEqual(oracle)
    expect(sum(a.modules.find((m) => m.role === 'generated')?.packages ?? [])).toBe(generated)
    // -s -w drops the symbol table and DWARF, not the code or the function table.
    const s = await readFile(stripped)
    expect(attributeBytes(s, readGoBuildInfo(s)).modules).toEqual(a.modules)
  })

  it('groups packages by the module that provides them', async () => {
    const bytes = await readFile(stripped)
    const mods = attributeBytes(bytes, readGoBuildInfo(bytes)).modules
    const mod = (path: string) => mods.find((m) => m.path === path)
    expect(mod('example.com/sizes')).toMatchObject({ role: 'main' })
    expect(mod('example.com/sizes')!.packages.map((p) => p.path).sort()).toEqual(['example.com/sizes/heavy', 'main'])
    expect(mod('example.com/dotted.v2')).toMatchObject({ role: 'dependency', version: 'v0.1.0' })
    expect(mod('example.com/dotted.v2')!.packages.map((p) => p.path)).toEqual(['example.com/dotted.v2'])
    expect(mod('example.com/dotted.v2')!.packages[0]!.functions).toBe(1) // Map[go.shape.int]
    expect(mod('std')!.packages.map((p) => p.path)).toEqual(expect.arrayContaining(['runtime', 'fmt', 'os']))
    // 1500 lines of arithmetic: tens of KiB in the heavy package alone.
    expect(mod('example.com/sizes')!.packages.find((p) => p.path === 'example.com/sizes/heavy')!.bytes).toBeGreaterThan(20_000)
  })

  it('counts every byte of the file once: code, sections and headers, unattributed', async () => {
    for (const path of [full, stripped]) {
      const bytes = await readFile(path)
      const a = attributeBytes(bytes, readGoBuildInfo(bytes))
      expect(a.total).toBe(bytes.length)
      expect(sum(a.modules) + sum(a.sections) + sum(a.unattributed)).toBe(bytes.length)
      expect(a.sections.map((s) => s.name)).toEqual(expect.arrayContaining(['.gopclntab', '.rodata', 'ELF header and program headers']))
      expect(a.sections.map((s) => s.name)).not.toContain('.text')
    }
    const withSymbols = attributeBytes(await readFile(full), null).sections.map((s) => s.name)
    expect(withSymbols).toEqual(expect.arrayContaining(['.symtab', '.debug_info']))
  })

  it('escapes what the binary says: a file name and a build setting holding markup stay text', async () => {
    const page = renderReportHtml(await inspect(full), { module: golangPurl, stdlib: stdlibPurl })
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(page).toContain('app&lt;img src=x onerror=alert(2)&gt;')
    expect(page).not.toMatch(/<script|<img/i)
    expect(page).toContain('<svg class="treemap"')
    expect(page).toMatch(/<title>example\.com\/sizes\/heavy \(example\.com\/sizes\): [\d.]+ KiB/)
  })
})

describe('the squarified layout', () => {
  it('gives each positive value an area in proportion, inside the box, without overlaps', () => {
    const values = [500, 250, 120, 60, 40, 20, 6, 3, 1, 0]
    const box = { x: 10, y: 20, w: 300, h: 200 }
    const placed = squarify(values, (v) => v, box)
    expect(placed.map((p) => p.item)).toEqual(values.slice(0, -1))
    const total = values.reduce((n, v) => n + v, 0)
    for (const { item, rect } of placed) {
      expect(rect.w * rect.h).toBeCloseTo((item / total) * box.w * box.h, 6)
      expect(rect.x).toBeGreaterThanOrEqual(box.x - 1e-9)
      expect(rect.y).toBeGreaterThanOrEqual(box.y - 1e-9)
      expect(rect.x + rect.w).toBeLessThanOrEqual(box.x + box.w + 1e-9)
      expect(rect.y + rect.h).toBeLessThanOrEqual(box.y + box.h + 1e-9)
    }
    for (const [i, a] of placed.entries())
      for (const b of placed.slice(i + 1)) {
        const dx = Math.min(a.rect.x + a.rect.w, b.rect.x + b.rect.w) - Math.max(a.rect.x, b.rect.x)
        const dy = Math.min(a.rect.y + a.rect.h, b.rect.y + b.rect.h) - Math.max(a.rect.y, b.rect.y)
        expect(dx <= 1e-9 || dy <= 1e-9).toBe(true)
      }
    // Squarified: the largest block is no sliver.
    const big = placed[0]!.rect
    expect(Math.max(big.w / big.h, big.h / big.w)).toBeLessThan(3)
  })
})

describe('the --html flag', () => {
  it('takes the path of the page, and is refused empty', () => {
    expect(parseCLI(['inspect', 'img.tar', '--html', 'out/report.html'])).toMatchObject({
      kind: 'inspect',
      target: 'img.tar',
      flags: { html: 'out/report.html', json: false },
    })
    expect(() => parseCLI(['inspect', 'img.tar', '--html', ''])).toThrow(/--html is empty/)
  })
})
