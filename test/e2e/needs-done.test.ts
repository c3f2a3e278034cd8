// The promise of the runtime-needs check, end to end: a program that uses
// time zones, TLS, os/user, DNS and a temp file, built with nothing but
// goService({ name, source }), runs correctly in a container; a go-sqlite3
// program is refused before anything is written, whatever the base; inspect
// explains both.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goService, inspect, type EngineEvent, type ImageReport } from '../../src/index.js'
import { runCli } from '../support/cli.js'
import { docker, dockerLoad, missingDocker, missingRegistry, runContainer } from '../support/runtime.js'
import { missing } from '../support/tools.js'
import { errorOf } from '../support/errors.js'
import { tlsServer, type TlsServer } from '../support/tls-server.js'
import { PROBE_HOST, SQLITE_SRC, pushBareBase, writeModule } from './needs-fixtures.js'

const exec = promisify(execFile)
const skip = missing('go', 'skopeo', 'openssl') || missingDocker() || (await missingRegistry())
let dir: string
let tls: TlsServer
const images: string[] = []

beforeAll(async () => {
  if (skip) return
  dir = await mkdtemp(join(tmpdir(), 'gostatic-needs-done-'))
  tls = await tlsServer(dir)
})
afterAll(async () => {
  if (images.length) await docker(['rmi', '-f', ...images])
  await new Promise<void>((r) => (tls ? tls.server.close(() => r()) : r()))
  if (dir) await rm(dir, { recursive: true, force: true })
})


// With a URL it also makes an HTTPS request (which the test CA must be trusted for).
const SERVICE = `package main

import (
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/user"
	"time"
)

func main() {
	loc, err := time.LoadLocation("America/New_York")
	check("tz", err)
	fmt.Println("tz:", time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).In(loc).Format(time.RFC3339))
	pool, err := x509.SystemCertPool()
	check("tls", err)
	fmt.Println("tls roots:", len(pool.Subjects()) > 100)
	u, err := user.Current()
	check("user", err)
	fmt.Println("user:", u.Username, u.HomeDir)
	addrs, err := net.LookupHost("gostatic-needs.test")
	check("dns", err)
	fmt.Println("dns:", addrs)
	f, err := os.CreateTemp("", "svc")
	check("tmp", err)
	_, err = f.WriteString("ok")
	check("tmp", err)
	fmt.Println("tmp: ok")
	if len(os.Args) > 1 {
		res, err := http.Get(os.Args[1])
		check("https", err)
		body, _ := io.ReadAll(res.Body)
		fmt.Println("https:", res.StatusCode, string(body))
	}
}

func check(what string, err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, what+":", err)
		os.Exit(1)
	}
}
`

describe.skipIf(skip)('a service built with only goService({ name, source })', () => {
  let image: string
  let report: ImageReport
  let events: EngineEvent[]
  beforeAll(async () => {
    const source = await writeModule(dir, 'svc', SERVICE)
    events = []
    const r = await goService({ name: 'svc', source }).build({ engine: 'local', onEvent: (e) => events.push(e) })
    expect(r.report.warnings).toEqual([])
    const tar = (await r.exportTarball(join(dir, 'svc.tar'), { tag: `gostatic.local/needs-svc:${process.pid}` })).path
    image = await dockerLoad(tar)
    images.push(image)
    const inspected = await inspect(tar)
    if (inspected.kind !== 'image') throw new Error('inspect did not see an image')
    report = inspected
  })

  it('runs correctly in a container: zones, CA roots, its user, /etc/hosts names, a temp file', async () => {
    const r = await runContainer(image, { addHosts: PROBE_HOST })
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: '' })
    expect(r.stdout).toBe(
      'tz: 2024-01-01T07:00:00-05:00\ntls roots: true\nuser: nonroot /home/nonroot\ndns: [10.11.12.13]\ntmp: ok\n',
    )
  })

  it('says in its step events what check-needs found and added', () => {
    const done = events.find((e) => e.kind === 'step-done' && e.step === 'check-needs')
    expect(done).toMatchObject({ platform: 'linux/amd64', detail: '7/7 met, adds /etc/services, /usr/share/zoneinfo' })
  })

  it('is explained by inspect: every need met in the image it wrote', () => {
    const needs = report.platforms[0]!.needs
    expect(needs).toMatchObject({ status: 'checked', summary: '7/7 met' })
    if (needs.status !== 'checked') return
    expect(needs.verdicts.map((v) => [v.id, v.status])).toEqual([
      ['zoneinfo', 'met'], ['ca-roots', 'met'], ['users', 'met'],
      ['name-resolution', 'met'], ['service-names', 'met'], ['temp-dir', 'met'], ['env-paths', 'met'],
    ])
  })

  it('gostatic build shows the needs in its summary table, and each verdict in --json', async () => {
    const source = join(dir, 'svc')
    const table = await runCli(['build', source, '--engine', 'local', '--out', join(dir, 'cli', 'svc.tar')])
    expect(table.code, table.stderr).toBe(0)
    expect(table.stdout).toMatch(/service\s+platform\s+binary\s+packed\s+image\s+digest\s+time\s+needs\s+verdicts/)
    expect(table.stdout).toMatch(/svc\s+linux\/amd64\s.*\s7\/7 met\s+static/)
    const json = await runCli(['build', source, '--engine', 'local', '--out', join(dir, 'cli', 'svc.tar'), '--json'])
    type Needs = { summary: string; verdicts: { id: string; status: string }[] }
    const [outcome] = JSON.parse(json.stdout) as { report: { targets: { needs: Needs }[] } }[]
    const needs = outcome!.report.targets[0]!.needs
    expect(needs.summary).toBe('7/7 met')
    expect(needs.verdicts.map((v) => `${v.id}=${v.status}`).join(' ')).toBe(
      'zoneinfo=added ca-roots=met users=met name-resolution=met service-names=added temp-dir=met env-paths=met',
    )
  })

  it('makes real TLS requests: refused for an untrusted CA, and accepted once the CA is pinned', async () => {
    const untrusted = await runContainer(image, { addHosts: PROBE_HOST, args: [tls.url] })
    expect(untrusted.exitCode).toBe(1)
    expect(untrusted.stderr).toContain('x509: certificate signed by unknown authority')
    const source = await writeModule(dir, 'svc-pinned', SERVICE)
    await writeFile(join(source, 'test-ca.pem'), tls.caPem)
    const r = await goService({ name: 'svc', source }).caCertificates({ file: 'test-ca.pem' }).build({ engine: 'local' })
    const tag = `gostatic.local/needs-svc-pinned:${process.pid}`
    const pinned = await dockerLoad((await r.exportTarball(join(dir, 'svc-pinned.tar'), { tag })).path)
    images.push(pinned)
    const ok = await runContainer(pinned, { addHosts: PROBE_HOST, args: [tls.url] })
    expect({ exitCode: ok.exitCode, stderr: ok.stderr }).toEqual({ exitCode: 0, stderr: '' })
    expect(ok.stdout).toContain('https: 200 hello over tls\n')
  })
})

describe.skipIf(skip)('a go-sqlite3 program with the defaults', () => {
  let source: string
  beforeAll(async () => {
    source = await writeModule(dir, 'store', SQLITE_SRC, 'github.com/mattn/go-sqlite3 v1.14.24')
    await exec('go', ['mod', 'tidy'], { env: { ...process.env, GOFLAGS: '-mod=mod', GOWORK: 'off' }, cwd: source })
  })

  it('is refused with CGO_STUB naming the module and modernc.org/sqlite, before assembling anything', async () => {
    const events: EngineEvent[] = []
    const store = goService({ name: 'store', source })
    const err = await errorOf(store.build({ engine: 'local', onEvent: (e) => events.push(e) }))
    expect(err.code).toBe('CGO_STUB')
    expect(err.message).toContain(
      'store (linux/amd64) links a cgo stub that fails at run time: github.com/mattn/go-sqlite3 is linked',
    )
    expect(err.message).toContain('modernc.org/sqlite')
    expect(err.hint).toBe(
      'replace github.com/mattn/go-sqlite3 with modernc.org/sqlite, or build with cgo: .cgo() makes a static cgo build ' +
        'with zig or musl-gcc (without it gostatic builds with CGO_ENABLED=0, and no image can make the stub work)',
    )
    const started = events.flatMap((e) => (e.kind === 'step-start' ? [e.step] : []))
    expect(started.slice(-2)).toEqual(['go-build', 'check-needs'])
  })

  it('is refused on scratch and on an image base too', async () => {
    const bare = await pushBareBase(dir)
    for (const runtime of ['scratch', bare]) {
      const err = await errorOf(goService({ name: 'store', source }).runtime(runtime).build({ engine: 'local' }))
      expect(err.code).toBe('CGO_STUB')
    }
  })

  it('gostatic build exits 1 and writes no archive', async () => {
    const out = join(dir, 'out', 'store.tar')
    const r = await runCli(['build', source, '--engine', 'local', '--out', out])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('CGO_STUB')
    expect(r.stderr).toContain('modernc.org/sqlite')
    expect(r.stdout).toMatch(/store\s+-.*FAILED: CGO_STUB/)
    expect(existsSync(out)).toBe(false)
    expect(existsSync(join(dir, 'out'))).toBe(false)
  })

  it('builds naively with cgo off, fails on every query, and inspect explains why', async () => {
    const bin = join(dir, 'store-bin')
    const env = { ...process.env, CGO_ENABLED: '0', GOWORK: 'off' }
    await exec('go', ['build', '-o', bin, '.'], { env, cwd: source })
    // Static, so it runs anywhere; its driver is the stub.
    const { stdout } = await exec(bin)
    expect(stdout).toContain("Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub")
    const r = await inspect(bin)
    if (r.kind !== 'binary') throw new Error('inspect did not see a binary')
    expect(r.needs).toMatchObject({ status: 'derived', summary: expect.stringContaining('cgo-stub') })
  })
})
