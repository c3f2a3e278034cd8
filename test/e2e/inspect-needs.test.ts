// `inspect` reports runtime needs for images gostatic did not write: one made
// by `docker build` FROM scratch and saved with `docker save`, one built on a
// (locally imported) busybox base and copied out with skopeo. Each image is
// also run, and every need inspect calls met must work in the container and
// every need it calls unmet must fail there, the way its message says.
import { randomBytes } from 'node:crypto'
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inspect } from '../../src/index.js'
import type { ImageReport, NeedVerdict } from '../../src/index.js'
import { docker, dockerEnv, dockerHost, dockerOk, exec, execOk, importBusyboxImage, missingDocker, runContainer } from '../support/runtime.js'
import { missing } from '../support/tools.js'
import { asCli } from '../support/cli-surface.js'

const PROBE = `package main

import (
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"os/user"
	"time"
)

func main() {
	_, err := time.LoadLocation("Asia/Shanghai")
	fmt.Println("zoneinfo:", ok(err))
	n := 0
	if pool, _ := x509.SystemCertPool(); pool != nil {
		n = len(pool.Subjects())
	}
	fmt.Println("ca-roots:", map[bool]string{true: "ok", false: "no roots"}[n > 0])
	_, err = user.Current()
	fmt.Println("users:", ok(err))
	f, err := os.CreateTemp("", "probe")
	if err == nil {
		os.Remove(f.Name())
	}
	fmt.Println("temp-dir:", ok(err))
	_, err = net.LookupPort("tcp", "postgresql")
	fmt.Println("service-names:", ok(err))
}

func ok(err error) string {
	if err != nil {
		return err.Error()
	}
	return "ok"
}
`

const id = `${process.pid}-${randomBytes(3).toString('hex')}`
const repo = `gostatic-needs-${id}`
const skip = missing('go', 'skopeo') || missingDocker()
let dir: string

/** What the probe printed, need by need: 'ok' or the error it got. */
async function runProbe(image: string): Promise<Record<string, string>> {
  const r = await runContainer(image)
  expect(r.exitCode, r.stderr).toBe(0)
  return Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]))
}

function verdicts(report: ImageReport): NeedVerdict[] {
  const needs = report.platforms[0]!.needs
  if (needs.status !== 'checked') throw new Error(`needs not checked: ${JSON.stringify(needs)}`)
  return needs.verdicts
}

/** Inspect's verdict agrees with the run for every need the probe exercises. */
function expectAgreement(vs: NeedVerdict[], ran: Record<string, string>): void {
  for (const [need, result] of Object.entries(ran)) {
    const v = vs.find((x) => x.id === need)
    expect(v, `inspect reports no ${need} need`).toBeDefined()
    expect({ need, met: v!.status === 'met' }).toEqual({ need, met: result === 'ok' })
  }
}

describe.skipIf(skip)('inspect on images gostatic did not write', () => {
  let busybox: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gostatic-inspect-needs-'))
    await writeFile(join(dir, 'go.mod'), 'module example.com/probe\n\ngo 1.21\n')
    await writeFile(join(dir, 'main.go'), PROBE)
    await mkdir(join(dir, 'ctx'))
    const env = { ...process.env, CGO_ENABLED: '0', GOARCH: 'amd64', GOFLAGS: '', GOWORK: 'off' }
    await execOk('go', ['build', '-C', dir, '-trimpath', '-ldflags=-s -w', '-o', 'ctx/app', '.'], { env })
    busybox = await importBusyboxImage(`${repo}/busybox:1`)
  })
  afterAll(async () => {
    await docker(['rmi', '-f', `${repo}:scratch`, `${repo}:busybox`, `${repo}/busybox:1`])
    await rm(dir, { recursive: true, force: true })
  })

  it('a docker save archive of a FROM scratch build: every need unmet, as the container shows', async () => {
    await writeFile(join(dir, 'ctx', 'Dockerfile'), 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n')
    await dockerOk(['build', '-q', '-t', `${repo}:scratch`, join(dir, 'ctx')], 300_000)
    const tar = join(dir, 'scratch.tar')
    await dockerOk(['save', '-o', tar, `${repo}:scratch`])

    const report = (await inspect(tar)) as ImageReport
    expect(report.format).toBe('docker')
    const vs = verdicts(report)
    expect(vs.map((v) => [v.id, v.status])).toEqual([
      ['zoneinfo', 'unmet'], ['ca-roots', 'unmet'], ['users', 'unmet'], ['service-names', 'unmet'], ['temp-dir', 'unmet'],
    ])
    expect(report.platforms[0]!.needs).toMatchObject({ summary: 'tz, ca, passwd, services, tmp missing' })
    expect(vs.find((v) => v.id === 'users')?.detail).toBe('the image has no /etc/passwd')

    const ran = await runProbe(`${repo}:scratch`)
    expect(ran).toMatchObject({
      zoneinfo: 'unknown time zone Asia/Shanghai',
      users: 'user: Current requires cgo or $USER set in environment',
      'service-names': 'lookup tcp/postgresql: unknown port',
    })
    expect(ran['temp-dir']).toMatch(/^open \/tmp\/probe\d+: no such file or directory$/)
    expectAgreement(vs, ran)
  })

  it('a skopeo oci-archive of a build on a base image: reads all layers, whiteouts included', async () => {
    const ctx = join(dir, 'ctx')
    await copyFile('/usr/share/zoneinfo/Asia/Shanghai', join(ctx, 'Shanghai'))
    await copyFile('/etc/ssl/certs/ca-certificates.crt', join(ctx, 'ca.pem'))
    // The base (busybox, passwd with nonroot, /tmp 1777) is three layers down; RUN rm whites out its /tmp.
    await writeFile(join(ctx, 'Dockerfile'), [
      `FROM ${busybox}`, 'COPY app /app', 'COPY Shanghai /usr/share/zoneinfo/Asia/Shanghai', 'COPY ca.pem /certs/ca.pem',
      'ENV SSL_CERT_FILE=/certs/ca.pem', 'RUN rm -rf /tmp', 'USER 65532:65532', 'ENTRYPOINT ["/app"]', '',
    ].join('\n'))
    await dockerOk(['build', '-q', '--network', 'host', '-t', `${repo}:busybox`, ctx], 300_000)
    const tar = join(dir, 'busybox-oci.tar')
    await execOk('skopeo', ['copy', '-q', '--src-daemon-host', dockerHost() ?? 'unix:///var/run/docker.sock', `docker-daemon:${repo}:busybox`, `oci-archive:${tar}`], { env: dockerEnv() })

    const report = (await inspect(tar)) as ImageReport
    expect(report.format).toBe('oci')
    expect(report.platforms[0]!.layers.length).toBeGreaterThanOrEqual(5)
    const vs = verdicts(report)
    expect(Object.fromEntries(vs.map((v) => [v.id, `${v.status}: ${v.detail}`]))).toEqual({
      zoneinfo: 'met: zone files in /usr/share/zoneinfo',
      'ca-roots': 'met: SSL_CERT_FILE=/certs/ca.pem',
      users: 'met: /etc/passwd has nonroot (uid 65532)',
      'service-names': 'unmet: the image has no /etc/services',
      'temp-dir': 'unmet: /tmp is not a directory in the image',
      // The image's env is evidence too: the base's SSL_CERT_FILE names a bundle it holds.
      'env-paths': 'met: each path is in the image',
    })
    const ran = await runProbe(`${repo}:busybox`)
    expect(ran).toMatchObject({ zoneinfo: 'ok', 'ca-roots': 'ok', users: 'ok' })
    expectAgreement(vs, ran)
  })

  it('prints a line per need in text, and the same verdicts as JSON', async () => {
    const tar = join(dir, 'scratch.tar')
    const cli = (...args: string[]) => exec(process.execPath, [resolve('bin/gostatic.js'), 'inspect', tar, ...args])
    const text = await cli()
    expect(text.exitCode, text.stderr).toBe(0)
    const section = text.stdout.slice(text.stdout.indexOf('  needs ('))
    expect(section.split('\n')[0]).toBe('  needs (tz, ca, passwd, services, tmp missing)')
    expect(section.trimEnd().split('\n').slice(1).map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'zoneinfo unmet', 'ca-roots unmet', 'users unmet', 'service-names unmet', 'temp-dir unmet',
    ])
    const json = await cli('--json')
    const parsed = JSON.parse(json.stdout) as ImageReport
    expect(parsed.platforms[0]!.needs).toEqual(((await asCli(() => inspect(tar))) as ImageReport).platforms[0]!.needs)
  })
})

describe.skipIf(missing('go'))('inspect on a bare binary', () => {
  it('derives its needs without an image to check them against', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'gostatic-inspect-needs-bin-'))
    try {
      await mkdir(join(bin, 'src'))
      await writeFile(join(bin, 'src', 'go.mod'), 'module example.com/probe\n\ngo 1.21\n')
      await writeFile(join(bin, 'src', 'main.go'), PROBE)
      const env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '', GOWORK: 'off' }
      await execOk('go', ['build', '-C', join(bin, 'src'), '-trimpath', '-o', '../app', '.'], { env })
      const r = await inspect(join(bin, 'app'))
      if (r.kind !== 'binary') throw new Error(`inspected as ${r.kind}`)
      expect(r.needs).toMatchObject({ status: 'derived', summary: 'zoneinfo, ca-roots, users, service-names, temp-dir' })
      expect(r.binary.functionTable).toMatchObject({ format: 'go1.20', location: 'section .gopclntab' })
    } finally {
      await rm(bin, { recursive: true, force: true })
    }
  })
})
