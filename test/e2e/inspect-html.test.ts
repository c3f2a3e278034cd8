// `gostatic inspect --html` on an image built here by the local engine,
// rendered in a real headless browser (Debian's chromium) with no network:
// the page loads with no console message at all (a control page with one
// outside reference shows the check would see one), its DOM holds the
// treemap, and a screenshot shows it: the standard library's blue and the
// user's own module's green fill the picture's top.
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goService } from '../../src/index.js'
import type { BuildResult } from '../../src/index.js'
import { uniqueRepo } from './registry-fixtures.js'
import { runCli } from '../support/cli.js'
import { decodePng } from '../support/png.js'
import { REGISTRY, missingRegistry } from '../support/runtime.js'
import { missing } from '../support/tools.js'

const exec = promisify(execFile)

const HEAVY_LINES = Array.from({ length: 2500 }, (_, i) => `\th = (h ^ x[${i % 5}]) * ${2 * i + 0x9e3779b1} + ${i}`)
const FILES: Record<string, string> = {
  'go.mod': 'module example.com/shop\n\ngo 1.21\n\nrequire example.com/pricing v0.3.0\n\n' +
    'replace example.com/pricing => ./third_party/pricing\n',
  'main.go': `package main

import (
	"fmt"
	"net/http"
	"os"

	"example.com/pricing"
	"example.com/shop/checksum"
)

func main() {
	var x [5]uint64
	x[0] = uint64(len(os.Args))
	fmt.Println(checksum.Mix(x), pricing.Total([]float64{1.5, 2}))
	_ = http.ListenAndServe(":8080", nil)
}
`,
  'checksum/checksum.go': `package checksum\n\n//go:noinline\nfunc Mix(x [5]uint64) uint64 {\n\tvar h uint64\n${HEAVY_LINES.join('\n')}\n\treturn h\n}\n`,
  'third_party/pricing/go.mod': 'module example.com/pricing\n\ngo 1.21\n',
  'third_party/pricing/pricing.go': `package pricing

//go:noinline
func Total(xs []float64) float64 {
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t
}
`,
}

// Headless, no GPU, no network: every host name resolves to nothing.
function chromium(profile: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const base = ['--headless', '--disable-gpu', '--no-sandbox', '--enable-logging=stderr', '--v=0']
  const offline = ['--host-resolver-rules=MAP * ~NOTFOUND', `--user-data-dir=${profile}`, '--hide-scrollbars']
  return exec('chromium', [...base, ...offline, ...args], { timeout: 120_000, maxBuffer: 1 << 26 })
}

/** What the page logged to its console: chromium prints each message on stderr as INFO:CONSOLE. */
const consoleLines = (stderr: string): string[] => stderr.split('\n').filter((l) => /:CONSOLE[:(]/.test(l))

const noRegistry = await missingRegistry()

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gostatic-inspect-html-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe.skipIf(missing('go', 'strip', 'chromium'))('inspect --html in a real browser', () => {
  let page = ''
  let tar = ''
  let built: BuildResult
  beforeAll(async () => {
    const src = join(dir, 'shop')
    for (const [name, text] of Object.entries(FILES)) {
      await mkdir(join(src, name, '..'), { recursive: true })
      await writeFile(join(src, name), text)
    }
    tar = join(dir, 'shop.tar')
    built = await goService({ name: 'shop', source: src }).strip().build({ engine: 'local' })
    await built.exportTarball(tar)
    page = join(dir, 'out', 'report.html')
    const r = await runCli(['inspect', tar, '--html', page])
    expect(r.stderr).toBe(`wrote ${page}\n`)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^image +.*shop\.tar\n/)
  }, 600_000)

  it('loads with no console message, and the same check sees one in a page that reaches out', async () => {
    const good = await chromium(join(dir, 'profile-good'), '--dump-dom', `file://${page}`)
    expect(consoleLines(good.stderr)).toEqual([])
    const html = await readFile(page, 'utf8')
    const bad = join(dir, 'bad.html')
    await writeFile(bad, html.replace('<body>', '<body><img src="http://gostatic.invalid/x.png">'))
    const control = await chromium(join(dir, 'profile-bad'), '--dump-dom', `file://${bad}`)
    expect(consoleLines(control.stderr).join('\n')).toMatch(/Content Security Policy/)
  })

  it('renders the treemap, the layers, the needs, the files and the modules', async () => {
    const { stdout: dom } = await chromium(join(dir, 'profile-dom'), '--dump-dom', `file://${page}`)
    expect(dom).toContain('<svg class="treemap"')
    expect(dom).toMatch(/<title>example\.com\/shop\/checksum \(example\.com\/shop\): [\d.]+ KiB/)
    expect(dom).toMatch(/<title>net\/http \(std go[\d.]+\): /)
    expect(dom).toMatch(/<title>example\.com\/pricing \(example\.com\/pricing v0\.3\.0\): /)
    expect(dom).toContain('<h3>Layers</h3>')
    expect(dom).toMatch(/<td>ca-roots<\/td><td><span class="verdict v-met">met<\/span>/)
    expect(dom).toMatch(/layer 0 \(base\): \d+ paths/)
    expect(dom).toContain('/etc/ssl/certs/ca-certificates.crt')
    expect(dom).toMatch(/layer 1 \(the entrypoint’s layer\): \d+ paths/)
    expect(dom).toContain('pkg:golang/stdlib@')
    expect(dom).toContain('replaces example.com/pricing@v0.3.0')
  })

  it('shows the treemap in a screenshot', async () => {
    const shot = join(dir, 'shot.png')
    await chromium(join(dir, 'profile-shot'), '--window-size=1280,1100', `--screenshot=${shot}`, `file://${page}`)
    const png = decodePng(await readFile(shot))
    expect([png.width, png.height]).toEqual([1280, 1100])
    let blue = 0
    let green = 0
    for (let y = 0; y < png.height; y += 2)
      for (let x = 0; x < png.width; x += 2) {
        const [r, g, b] = png.at(x, y)
        if (b > r + 40 && b > g + 15) blue++
        if (g > r + 30 && g > b + 15) green++
      }
    // One sample per 2x2 block: the standard library's code is a large share of the map,
    // the user's own module (main and checksum) a visible one.
    expect(blue).toBeGreaterThan(20_000)
    expect(green).toBeGreaterThan(500)
  })

  it('refuses a page it cannot write, naming the path and what to do', async () => {
    const out = join(tar, 'report.html')
    const r = await runCli(['inspect', tar, '--html', out])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      `error [OUTPUT_NOT_WRITABLE]: cannot write ${out}: a parent of it is a file, not a folder\n` +
        'hint: choose another path for the HTML report, or fix the folder\n',
    )
  })

  it.skipIf(noRegistry)('writes the same page for a pushed image', async () => {
    const ref = `${REGISTRY}/${uniqueRepo('inspect-html')}:1`
    await built.publish(ref)
    const pushed = join(dir, 'pushed.html')
    const r = await runCli(['inspect', `registry://${ref}`, '--html', pushed])
    expect(r.code).toBe(0)
    const html = await readFile(pushed, 'utf8')
    expect(html).toMatch(/<title>example\.com\/shop\/checksum \(example\.com\/shop\): [\d.]+ KiB/)
    expect(html).toContain('/etc/ssl/certs/ca-certificates.crt')
    expect(html).toMatch(/layer 1 \(the entrypoint’s layer\): \d+ paths/)
  })
})
