// One test per failure mode the README documents. Each builds a small real Go
// program, shows the naive path failing for real (a container that dies, a
// tool that refuses) with the error a user would see, then shows the image
// gostatic produces working.
//
// "Naive" is the classic recipe: `go build` with its defaults (1) or with
// CGO_ENABLED=0 (2-5), the binary alone on scratch via `docker import`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { goService, GostaticError, type BuildResult, type EngineEvent } from '../../src/index.js'
import { upxPlatformRule } from '../../src/spec/upx-platforms.js'
import { runTool, which } from '../../src/util/run-tool.js'
import { readElf } from '../../src/inspect/elf-reader.js'
import { missing } from '../support/tools.js'
import { docker, dockerLoad, dockerOk, exec, execOk, missingDocker, runContainer } from '../support/runtime.js'
import { tlsServer, type TlsServer } from '../support/tls-server.js'
import { withGo } from '../support/go-seam.js'

const skip = missing('go', 'gcc', 'strip', 'llvm-strip', 'upx', 'openssl', 'tar') || missingDocker()
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-e2e-failure-modes-'))
const src = join(tmp, 'probe')
const images: string[] = []

const PROBE = `package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/user"
	"time"
)

var version = "dev"

func main() {
	switch os.Args[1] {
	case "--version":
		fmt.Println("probe", version)
	case "get":
		res, err := http.Get(os.Args[2])
		if err != nil {
			fail(err)
		}
		body, _ := io.ReadAll(res.Body)
		fmt.Printf("%d %s\\n", res.StatusCode, body)
	case "tz":
		loc, err := time.LoadLocation(os.Args[2])
		if err != nil {
			fail(err)
		}
		fmt.Println(time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).In(loc).Format(time.RFC3339))
	case "user":
		u, err := user.Current()
		if err != nil {
			fail(err)
		}
		fmt.Printf("uid=%s name=%s home=%s\\n", u.Uid, u.Username, u.HomeDir)
	case "lookup":
		u, err := user.LookupId(os.Args[2])
		if err != nil {
			fail(err)
		}
		fmt.Println(u.Username)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "probe:", err)
	os.Exit(1)
}
`

const probe = () => goService({ name: 'fm-probe', source: src }).ldflags({ X: { 'main.version': '1.0.0' } })

/** `go build` as a user would type it, in the probe's folder; returns the output path. */
async function goBuild(out: string, env: Record<string, string>, extra: string[] = []): Promise<string> {
  const r = await runTool('go', ['build', ...extra, '-o', out, '.'], { cwd: src, env: { ...process.env, ...env } })
  if (r.exitCode !== 0) throw new Error(`go build ${extra.join(' ')} failed: ${r.stderr}`)
  return out
}

/** The binary alone on scratch, the way `FROM scratch` + `COPY` makes it. */
async function naiveImage(binary: string, name: string): Promise<string> {
  const root = join(tmp, `root-${name}`)
  mkdirSync(root)
  writeFileSync(join(root, 'probe'), readFileSync(binary), { mode: 0o755 })
  const tar = join(tmp, `${name}.tar`)
  await execOk('tar', ['-C', root, '--owner=0', '--group=0', '--numeric-owner', '-cf', tar, 'probe'])
  const tag = `gostatic-naive/${name}:${process.pid}`
  await dockerOk(['import', '-c', 'ENTRYPOINT ["/probe"]', tar, tag])
  images.push(tag)
  return tag
}

async function loaded(result: BuildResult, name: string): Promise<string> {
  const tar = (await result.exportTarball(join(tmp, `${name}.tar`), { tag: `gostatic.local/${name}:${process.pid}` })).path
  const ref = await dockerLoad(tar)
  images.push(ref)
  return ref
}

afterAll(async () => {
  if (images.length && !skip) await docker(['rmi', '-f', ...images])
  rmSync(tmp, { recursive: true, force: true })
})

describe.skipIf(skip)('documented failure modes: the naive path fails, gostatic\'s image works', () => {
  let scratchImage: string
  let staticImage: string
  let naiveStatic: string
  let tls: TlsServer

  beforeAll(async () => {
    mkdirSync(src)
    writeFileSync(join(src, 'go.mod'), 'module example.com/probe\n\ngo 1.22\n')
    writeFileSync(join(src, 'main.go'), PROBE)
    tls = await tlsServer(tmp)
    writeFileSync(join(src, 'test-ca.pem'), tls.caPem)
    naiveStatic = await naiveImage(await goBuild(join(tmp, 'naive-static'), { CGO_ENABLED: '0' }), 'static')
    // scratch with the one zone the tests use: tz files, passwd, no CA bundle.
    scratchImage = await loaded(await probe().runtime('scratch').timezones(['Asia/Shanghai']).build({ engine: 'local' }), 'fm-scratch')
    // static, plus the test CA in /etc/ssl/certs (Go reads every file there besides SSL_CERT_FILE).
    staticImage = await loaded(await probe().runtime('static').copy('test-ca.pem', '/etc/ssl/certs/gostatic-test-ca.pem').build({ engine: 'local' }), 'fm-static')
  })
  afterAll(() => new Promise<void>((r) => (tls ? tls.server.close(() => r()) : r())))

  it('1. a default cgo build dies on scratch with exec ... no such file or directory; gostatic refuses it before export and its static build runs', async () => {
    const dynamic = await goBuild(join(tmp, 'naive-cgo'), {})
    expect(readElf(readFileSync(dynamic)).interpreter).toBe('/lib64/ld-linux-x86-64.so.2')
    const naive = await runContainer(await naiveImage(dynamic, 'cgo'), { args: ['--version'] })
    expect(naive.exitCode).not.toBe(0)
    expect(naive.stderr).toContain('exec /probe: no such file or directory')

    // Asking for cgo is refused at the spec; cgo forced in behind the plan's back (a wrapper around go) is refused by verification.
    expect(() => probe().env({ CGO_ENABLED: '1' }).plan()).toThrow(/CGO_ENABLED=1 with the host's C compiler makes a dynamically linked binary\. For a static cgo build use \.cgo\(\)/)
    const err = await probe().runtime('scratch').binaryPath('/probe')
      .build({ engine: 'local', ...withGo((args, o) => runTool('go', args, { ...o, env: { ...o.env, CGO_ENABLED: '1' } })) })
      .then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(GostaticError)
    expect((err as GostaticError).code).toBe('NOT_STATIC')
    expect((err as GostaticError).message).toContain("would die with 'exec /probe: no such file or directory'. Refusing to write the image.")

    const ok = await runContainer(scratchImage, { args: ['--version'] })
    expect(ok).toMatchObject({ exitCode: 0, stdout: 'probe 1.0.0\n' })
  })

  it('2. an HTTPS client on scratch fails with x509: certificate signed by unknown authority; static with the test CA trusted succeeds', async () => {
    const naive = await runContainer(naiveStatic, { args: ['get', tls.url] })
    expect(naive.exitCode).toBe(1)
    expect(naive.stderr).toContain('x509: certificate signed by unknown authority')

    const ok = await runContainer(staticImage, { args: ['get', tls.url] })
    expect(ok.stderr).toBe('')
    expect(ok).toMatchObject({ exitCode: 0, stdout: '200 hello over tls\n' })
    // The test CA is what makes it pass: with Go's cert dirs pointed away, the Mozilla roots alone refuse it.
    const without = await runContainer(staticImage, { args: ['get', tls.url], env: { SSL_CERT_DIR: '/nonexistent' } })
    expect(without.stderr).toContain('x509: certificate signed by unknown authority')
  })

  it('3. time.LoadLocation("Asia/Shanghai") on scratch fails with unknown time zone; the plan ships the zone', async () => {
    const naive = await runContainer(naiveStatic, { args: ['tz', 'Asia/Shanghai'] })
    expect(naive).toMatchObject({ exitCode: 1, stderr: 'probe: unknown time zone Asia/Shanghai\n' })
    const ok = await runContainer(scratchImage, { args: ['tz', 'Asia/Shanghai'] })
    expect(ok).toMatchObject({ exitCode: 0, stdout: '2024-01-01T20:00:00+08:00\n' })
  })

  it('4. user.Current() with a numeric USER and no passwd fails; the static base\'s 65532 entry works', async () => {
    const current = await runContainer(naiveStatic, { args: ['user'], user: '65532' })
    expect(current).toMatchObject({ exitCode: 1, stderr: 'probe: user: Current requires cgo or $USER set in environment\n' })
    const lookup = await runContainer(naiveStatic, { args: ['lookup', '65532'], user: '65532' })
    expect(lookup).toMatchObject({ exitCode: 1, stderr: 'probe: open /etc/passwd: no such file or directory\n' })

    const ok = await runContainer(staticImage, { args: ['user'] }) // the image's own USER
    expect(ok).toMatchObject({ exitCode: 0, stdout: 'uid=65532 name=nonroot home=/home/nonroot\n' })
  })

  it("5. user('nonroot') is refused with the numeric suggestion; the numeric default runs", async () => {
    // Kubernetes runAsNonRoot can't verify a name (kubelet isn't here); what a runtime does with a name is look it up, and scratch has no passwd.
    const naive = await runContainer(naiveStatic, { args: ['--version'], user: 'nonroot' })
    expect(naive.exitCode).toBe(125)
    expect(naive.stderr).toContain('unable to find user nonroot: no matching entries in passwd file')

    expect(() => probe().user('nonroot').plan()).toThrow(
      "'nonroot' is not numeric; Kubernetes runAsNonRoot can only verify a numeric UID, use '65532:65532' (the nonroot user) or another 'uid:gid'",
    )
    expect((await dockerOk(['image', 'inspect', '-f', '{{.Config.User}}', staticImage])).trim()).toBe('65532:65532')
    expect(await runContainer(staticImage, { args: ['--version'] })).toMatchObject({ exitCode: 0, stdout: 'probe 1.0.0\n' })
  })

  it('6. host strip on an arm64 ELF says "Unable to recognise the format"; the plan moves on to llvm-strip, or skips with a warning', async () => {
    const arm = await goBuild(join(tmp, 'naive-arm64'), { CGO_ENABLED: '0', GOARCH: 'arm64' })
    const naive = await exec('strip', ['--strip-unneeded', arm])
    expect(naive.exitCode).toBe(1)
    expect(naive.stderr).toContain('Unable to recognise the format of the input file')

    const events: EngineEvent[] = []
    const armSvc = probe().platforms('linux/arm64').strip()
    expect(armSvc.plan().targets[0]!.strip?.candidates).toEqual(['strip', 'llvm-strip', 'aarch64-linux-gnu-strip'])
    const r = await armSvc.build({ engine: 'local', onEvent: (e) => events.push(e) })
    const t = r.report.targets[0]!
    expect(t).toMatchObject({ platform: 'linux/arm64', strip: 'stripped', elf: { machine: 'aarch64', isStatic: true } })
    expect(t.sizes.stripped).toBeLessThan(t.sizes.built)
    expect(events.find((e) => e.kind === 'step-done' && e.step === 'strip')).toMatchObject({ detail: expect.stringMatching(/bytes with llvm-strip( \(cached\))?$/) })
    expect(r.report.warnings).toEqual([])

    // Only GNU strip for the host on PATH: nothing can read the ELF, so it is skipped with the reason.
    const bin = join(tmp, 'only-gnu-strip')
    mkdirSync(bin)
    symlinkSync(which('go')!, join(bin, 'go'))
    symlinkSync(which('strip')!, join(bin, 'strip'))
    const skipped = await armSvc.build({ engine: 'local', env: { ...process.env, PATH: bin } })
    expect(skipped.report.targets[0]!.strip).toBe('skipped')
    expect(skipped.report.warnings.join('\n')).toMatch(/no strip that reads this target's ELF was found .*skipped, -s -w already removed the symbol tables \[strip: .*Unable to recognise the format of the input file/)
  })

  it('7. UPX on a PIE build or a darwin binary is refused by policy with its message; the default build is packed and runs', async () => {
    const pie = await goBuild(join(tmp, 'naive-pie'), { CGO_ENABLED: '0' }, ['-buildmode=pie'])
    const naivePie = await exec('upx', ['-q', '-o', `${pie}.upx`, pie])
    expect(naivePie.exitCode).not.toBe(0)
    expect(naivePie.stderr).toContain('CantPackException')
    const darwin = await goBuild(join(tmp, 'naive-darwin'), { CGO_ENABLED: '0', GOOS: 'darwin', GOARCH: 'arm64' })
    const naiveDarwin = await exec('upx', ['-q', '-o', `${darwin}.upx`, darwin])
    expect(naiveDarwin.exitCode).not.toBe(0)
    expect(naiveDarwin.stderr).toContain('CantPackException: macOS is currently not supported')

    const piePlan = probe().buildmode('pie').upx().plan()
    expect(piePlan.targets[0]!.upx).toEqual({ kind: 'refused', rule: 'buildmode', required: false, message: 'UPX cannot pack -buildmode=pie Go binaries (CantPackException); drop buildmode pie or upx()' })
    expect(piePlan.steps.map((s) => s.kind)).not.toContain('upx')
    expect(piePlan.warnings).toContain('upx skipped for linux/amd64 (buildmode rule): UPX cannot pack -buildmode=pie Go binaries (CantPackException); drop buildmode pie or upx()')
    expect(upxPlatformRule('darwin/arm64', true)).toMatch(/^UPX refuses macOS binaries \(CantPackException: macOS is currently not supported\)/)
    expect(() => probe().platforms('darwin/arm64' as never).upx().plan()).toThrow(/unknown platform 'darwin\/arm64'/)

    const packed = await probe().runtime('scratch').upx().build({ engine: 'local' })
    expect(packed.report.targets[0]!.upx).toBe('packed')
    expect(packed.images[0]!.annotations['dev.gostatic.upx']).toBe('packed')
    expect(readElf(packed.images[0]!.binary.bytes).upx).toBe(true)
    const image = await loaded(packed, 'fm-upx')
    expect(await runContainer(image, { args: ['--version'] })).toMatchObject({ exitCode: 0, stdout: 'probe 1.0.0\n' })
  })
})
