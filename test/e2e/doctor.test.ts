// `doctor()` and `gostatic doctor` against real modules and the real `go list`:
// stdlib-only programs for the standard cases, and one module that pulls
// github.com/mattn/go-sqlite3 through the Go module proxy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { doctor, type DoctorFinding, type DoctorReport } from '../../src/index.js'
import { runTool } from '../../src/util/run-tool.js'
import { missing } from '../support/tools.js'
import { exec } from '../support/runtime.js'

const skip = missing('go')
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-e2e-doctor-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function module(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name)
  for (const [path, text] of Object.entries({ 'go.mod': `module example.com/${name}\n\ngo 1.22\n`, ...files })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

const topic = (r: DoctorReport, t: string) => r.findings.find((f): f is Extract<DoctorFinding, { kind: 'changes-meaning' }> => f.kind === 'changes-meaning' && f.topic === t)
const cli = (...args: string[]) => exec(process.execPath, [resolve('bin/gostatic.js'), 'doctor', ...args], { timeoutMs: 120_000 })

describe.skipIf(skip)('gostatic doctor', () => {
  let std: string
  beforeAll(() => {
    std = module('std', {
      'cmd/probe/main.go': `package main

import (
	"fmt"
	"net/http"
	"os"
	"os/user"
	"time"
)

func main() {
	u, _ := user.Current()
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	local, _ := time.LoadLocation(os.Getenv("ZONE"))
	fmt.Println(u, shanghai, local, http.StatusOK)
}
`,
      'cmd/embedded/main.go': `package main

import (
	"fmt"
	"time"
	_ "time/tzdata"
)

func main() { fmt.Println(time.LoadLocation("Europe/Berlin")) }
`,
    })
  })

  it('names the uses that change meaning without cgo, with what the static plan does and what to choose', async () => {
    const r = await doctor(std, { main: './cmd/probe' })
    expect(r).toMatchObject({ ok: true, main: './cmd/probe', runtime: 'static', counts: { blocker: 0 } })
    expect(r.findings.map((f) => (f.kind === 'changes-meaning' ? f.topic : f.package)).sort()).toEqual(['crypto/x509', 'net', 'os/user', 'time.LoadLocation'])

    const net = topic(r, 'net')!
    expect(net.chain).toEqual(['example.com/std/cmd/probe', 'net/http', 'net'])
    expect(net.evidence.join()).toMatch(/with cgo: .*cgo_unix_cgo\.go.*; with CGO_ENABLED=0: cgo_stub\.go/)
    expect(net.planDoes).toContain("writes /etc/nsswitch.conf ('hosts: files dns')")
    expect(topic(r, 'os/user')!.evidence.join()).toContain('lookup_stubs.go')
    expect(topic(r, 'crypto/x509')).toMatchObject({ severity: 'info', chain: ['example.com/std/cmd/probe', 'net/http', 'crypto/tls', 'crypto/x509'] })

    const tz = topic(r, 'time.LoadLocation')!
    expect(tz.severity).toBe('warning')
    expect(tz.evidence).toEqual(['cmd/probe/main.go:13: time.LoadLocation("Asia/Shanghai")', 'cmd/probe/main.go:14: time.LoadLocation('])
    expect(tz.youChoose).toBe(".timezones('all') (a zone name comes from a variable), or at least .timezones(['Asia/Shanghai'])")
  })

  it('tells scratch users what the plan does not do for them', async () => {
    const r = await doctor(std, { main: './cmd/probe', runtime: 'scratch' })
    expect(topic(r, 'crypto/x509')).toMatchObject({ severity: 'warning', planDoes: 'no CA bundle on scratch unless caCertificates(true); the plan warns' })
    expect(topic(r, 'time.LoadLocation')!.planDoes).toContain(".timezones('all') embeds the tz database")
  })

  it('knows a program that imports time/tzdata carries its own zones', async () => {
    const r = await doctor(std, { main: './cmd/embedded' })
    expect(topic(r, 'time.LoadLocation')).toMatchObject({ severity: 'info', youChoose: 'nothing', evidence: ['cmd/embedded/main.go:9: time.LoadLocation("Europe/Berlin")'] })
  })

  it('blocks on a package with only cgo files and on plugin, and the CLI exits 1 with the chain', async () => {
    const dir = module('blocked', {
      'native/native.go': 'package native\n\n// #include <unistd.h>\nimport "C"\n\nfunc PageSize() int { return int(C.getpagesize()) }\n',
      'main.go': 'package main\n\nimport (\n\t"fmt"\n\t"plugin"\n\n\t"example.com/blocked/native"\n)\n\nfunc main() {\n\t_, err := plugin.Open("x.so")\n\tfmt.Println(native.PageSize(), err)\n}\n',
    })
    const json = await cli(dir, '--json')
    expect(json.exitCode, json.stderr).toBe(1)
    const r = JSON.parse(json.stdout) as DoctorReport
    expect(r).toMatchObject({ ok: false, counts: { blocker: 2 } })
    expect(r.findings[0]).toMatchObject({
      kind: 'needs-cgo', severity: 'blocker', package: 'example.com/blocked/native', withoutCgo: 'fails to build',
      chain: ['example.com/blocked', 'example.com/blocked/native'],
      message: `example.com/blocked/native does not build with CGO_ENABLED=0: build constraints exclude all Go files in ${join(dir, 'native')}`,
    })
    expect(r.findings[1]).toMatchObject({ kind: 'changes-meaning', topic: 'plugin', severity: 'blocker', evidence: ['with cgo: plugin_dlopen.go; with CGO_ENABLED=0: plugin_stubs.go'] })

    const text = await cli(dir)
    expect(text.exitCode).toBe(1)
    expect(text.stdout).toContain('BLOCKER  example.com/blocked/native\n')
    expect(text.stdout).toContain('import chain: example.com/blocked → example.com/blocked/native')
    expect(text.stdout).toContain('2 blocker(s), 0 warning(s), 0 note(s): NOT ready for CGO_ENABLED=0')
  })

  it('exits 0 when nothing needs cgo, and 1 with a clear error outside a module', async () => {
    const clean = await cli(module('clean', { 'main.go': 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n' }))
    expect(clean.exitCode, clean.stderr).toBe(0)
    expect(clean.stdout).toContain('nothing found that needs cgo or changes meaning without it')
    expect(clean.stdout).toContain('0 blocker(s), 0 warning(s), 0 note(s): ready for CGO_ENABLED=0')

    const bare = join(tmp, 'no-module')
    mkdirSync(bare)
    const err = await cli(bare)
    expect(err.exitCode).toBe(1)
    expect(err.stderr).toMatch(/^error \[INPUT_NOT_FOUND\]: .*no-module is not in a Go module: go: go\.mod file not found/)
  })

  it('suggests .cgo() for a package of its own with only cgo files, with the tags every static cgo build gets', async () => {
    const dir = module('own-c', {
      'native/native.go': 'package native\n\n// int answer(void) { return 42; }\nimport "C"\n\nfunc Answer() int { return int(C.answer()) }\n',
      'main.go': 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/own-c/native"\n)\n\nfunc main() { fmt.Println(native.Answer()) }\n',
    })
    const r = await doctor(dir)
    expect(r.findings[0]).toMatchObject({ kind: 'needs-cgo', severity: 'blocker', package: 'example.com/own-c/native', replacement: null, withCgo: { tags: ['netgo', 'osusergo'] } })
    expect((await cli(dir)).stdout).toContain('build with cgo: --cgo, tags netgo,osusergo')
  })

  it("lists a module whose go.mod needs a newer Go than the host's with that Go, as a build would", async () => {
    // The host go here runs with GOTOOLCHAIN=local (go env), so a bare `go list` refuses the module.
    const dir = module('newer', { 'go.mod': 'module example.com/newer\n\ngo 1.27\n', 'main.go': 'package main\n\nfunc main() {}\n' })
    const bare = await runTool('go', ['list', '.'], { cwd: dir, env: { ...process.env, GOTOOLCHAIN: 'local' } })
    expect(bare.stderr).toContain('go.mod requires go >= 1.27')
    const r = await doctor(dir, { env: { ...process.env, GOTOOLCHAIN: 'local' } })
    expect(r.ok).toBe(true)
    expect(r.notes[0]).toMatch(/, with go1\.27\.\d+$/)
  }, 300_000)

  // The one test that needs the Go module proxy: a real cgo dependency.
  it('finds github.com/mattn/go-sqlite3 behind a package of the service, names the chain and modernc.org/sqlite; its CGO_ENABLED=0 build is the stub', async () => {
    const dir = module('sq', {
      'go.mod': 'module example.com/sq\n\ngo 1.22\n\nrequire github.com/mattn/go-sqlite3 v1.14.24\n',
      'store/store.go': 'package store\n\nimport (\n\t"database/sql"\n\n\t_ "github.com/mattn/go-sqlite3"\n)\n\nfunc Open(p string) (*sql.DB, error) { return sql.Open("sqlite3", p) }\n',
      'main.go': 'package main\n\nimport (\n\t"fmt"\n\t"os"\n\n\t"example.com/sq/store"\n)\n\nfunc main() {\n\tdb, err := store.Open(":memory:")\n\tif err == nil {\n\t\terr = db.Ping()\n\t}\n\tif err != nil {\n\t\tfmt.Println("error:", err)\n\t\tos.Exit(1)\n\t}\n\tfmt.Println("ok")\n}\n',
    })
    const tidy = await runTool('go', ['mod', 'tidy'], { cwd: dir })
    expect(tidy.exitCode, tidy.stderr).toBe(0)

    const r = await doctor(dir)
    expect(r.ok).toBe(false)
    expect(r.findings[0]).toMatchObject({
      kind: 'needs-cgo', severity: 'blocker', package: 'github.com/mattn/go-sqlite3', module: 'github.com/mattn/go-sqlite3', withoutCgo: 'stub',
      chain: ['example.com/sq', 'example.com/sq/store', 'github.com/mattn/go-sqlite3'],
      replacement: { path: 'modernc.org/sqlite' },
      // The other way out: a static cgo build, with the tag go-sqlite3 needs so it never calls dlopen.
      withCgo: { call: '.cgo()', tags: ['netgo', 'osusergo', 'sqlite_omit_load_extension'] },
    })
    const text = await cli(dir)
    expect(text.stdout).toContain('replace with: modernc.org/sqlite')
    expect(text.stdout).toContain('or build with cgo: --cgo, tags')
    expect(text.stdout).toContain('netgo,osusergo,sqlite_omit_load_extension')
    // Packages only go-sqlite3's cgo files import leave the build with it.
    expect(r.findings.find((f) => f.kind === 'needs-cgo' && f.withoutCgo === 'drops out')).toMatchObject({ severity: 'info', package: 'net/url' })

    // What doctor warns about: the CGO_ENABLED=0 build succeeds and fails at run time.
    const bin = join(dir, 'sq-nocgo')
    const b = await runTool('go', ['build', '-o', bin, '.'], { cwd: dir, env: { ...process.env, CGO_ENABLED: '0' } })
    expect(b.exitCode, b.stderr).toBe(0)
    const run = await runTool(bin, [])
    expect(run).toMatchObject({ exitCode: 1, stdout: "error: Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub\n" })
  })
})
