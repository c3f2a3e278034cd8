// The local engine end to end: real go, strip and upx; the exported archive
// loaded into a real dockerd and run; /healthz fetched over loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { goService, GostaticError, type BuildResult } from '../../src/index.js'
import { hello } from '../../examples/hello/pipeline.js'
import { missing } from '../support/tools.js'
import { dockerLoad, exec, freePort, missingDocker, missingRunc, runcRunOciArchive, startContainer } from '../support/runtime.js'
import { runTool } from '../../src/util/run-tool.js'
import { imageFiles } from '../support/image-files.js'
import { helloWithPinnedCa, PINNED_PEM } from '../support/pinned-ca.js'
import { withGo } from '../support/go-seam.js'

const skip = missing('go', 'strip', 'skopeo') || missingDocker()
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-e2e-local-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe.skipIf(skip)('local engine: examples/hello', () => {
  let result: BuildResult
  let tar: string
  let image: string
  beforeAll(async () => {
    result = await hello.build({ engine: 'local' })
    tar = (await result.exportTarball(join(tmp, 'hello.tar'))).path
    image = await dockerLoad(tar)
  })

  it('serves /healthz from the loaded image, with time zones, CA bundle and the nonroot user working', async () => {
    const port = await freePort()
    const c = await startContainer(image, { args: ['-addr', `127.0.0.1:${port}`, '-zone', 'Asia/Shanghai'], network: 'host' })
    try {
      const res = await c.waitForHttp(`http://127.0.0.1:${port}/healthz`)
      const body = (await res.json()) as Record<string, unknown>
      expect(res.status).toBe(200)
      expect(body).toMatchObject({ status: 'ok', version: '1.0.0', zone: 'Asia/Shanghai', zoneTime: '2024-01-01T20:00:00+08:00', rootCAs: true, user: 'nonroot' })
    } finally {
      await c.stop()
    }
  })

  it('ships only the zones the plan lists: another zone fails with unknown time zone', async () => {
    const port = await freePort()
    const c = await startContainer(image, { args: ['-addr', `127.0.0.1:${port}`, '-zone', 'Australia/Sydney'], network: 'host' })
    try {
      const body = (await (await c.waitForHttp(`http://127.0.0.1:${port}/healthz`)).json()) as Record<string, unknown>
      expect(body['tzError']).toBe('unknown time zone Australia/Sydney')
    } finally {
      await c.stop()
    }
  })

  it('writes an OCI archive skopeo accepts, with the plan\'s config', async () => {
    const r = await exec('skopeo', ['inspect', '--config', `oci-archive:${tar}`])
    expect(r.exitCode, r.stderr).toBe(0)
    const cfg = JSON.parse(r.stdout) as { architecture: string; config: { Entrypoint: string[]; User: string; ExposedPorts: object } }
    expect(cfg.architecture).toBe('amd64')
    expect(cfg.config).toMatchObject({ Entrypoint: ['/usr/local/bin/hello'], User: '65532:65532', ExposedPorts: { '8080/tcp': {} } })
  })

  it('gives the same image digest when built twice', async () => {
    const again = await (await hello.build({ engine: 'local' })).exportTarball(join(tmp, 'hello-again.tar'))
    const first = await result.exportTarball(join(tmp, 'hello-first.tar'))
    expect(again.indexDigest).toBe(first.indexDigest)
  })

  it('reports a static, stripped binary with CGO_ENABLED=0 and -trimpath', () => {
    const t = result.report.targets[0]!
    expect(t.elf).toMatchObject({ isStatic: true, interpreter: null, needed: [], machine: 'x86_64' })
    expect(t.strip).toBe('stripped')
    expect(t.settings).toMatchObject({ CGO_ENABLED: '0', '-trimpath': 'true' })
  })
})

describe.skipIf(missing('go', 'runc', 'skopeo', 'umoci') || missingRunc())('local engine: runc', () => {
  it('runs the exported image with runc', async () => {
    const r = await hello.build({ engine: 'local' })
    const tar = (await r.exportTarball(join(tmp, 'hello-runc.tar'))).path
    const run = await runcRunOciArchive(tar, { args: ['--version'] })
    expect(run.stdout.trim()).toBe('hello 1.0.0')
  })
})

describe.skipIf(missing('go', 'gcc'))('local engine refuses what would not run', () => {
  it('refuses a cgo build (forced through the go seam) on scratch, naming the interpreter and libraries, and writes nothing', async () => {
    const svc = goService({ name: 'cgoprobe', source: resolve('examples/hello') }).binaryPath('/usr/local/bin/hello').runtime('scratch')
    const err = await svc
      .build({ engine: 'local', ...withGo((args, o) => runTool('go', args, { ...o, env: { ...o.env, CGO_ENABLED: '1' } })) })
      .then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(GostaticError)
    const e = err as GostaticError
    expect(e.code).toBe('NOT_STATIC')
    expect(e.message).toMatch(/cgoprobe \(linux\/amd64\) is dynamically linked: it needs interpreter \/lib64\/ld-linux-x86-64\.so\.2 and libraries .*libc\.so\.6/)
    expect(e.message).toContain("would die with 'exec /usr/local/bin/hello: no such file or directory'")
    // The build's work folder is gone: no binary or half-made layer is left behind.
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('gostatic-cgoprobe-'))).toEqual([])
  })

  it('forwards go build errors whole, with file and line', async () => {
    const src = join(tmp, 'broken')
    mkdirSync(src)
    writeFileSync(join(src, 'go.mod'), 'module example.com/broken\n\ngo 1.22\n')
    writeFileSync(join(src, 'main.go'), 'package main\n\nfunc main() {\n\tundefinedThing()\n}\n')
    const err = (await goService({ name: 'broken', source: src }).build({ engine: 'local' }).catch((e: unknown) => e)) as GostaticError
    expect(err.code).toBe('GO_BUILD_FAILED')
    expect(err.message).toContain('./main.go:4:2: undefined: undefinedThing')
  })

  it('names both versions when the requested Go toolchain cannot be had', async () => {
    const host = (await runTool('go', ['env', 'GOVERSION'])).stdout.trim()
    const err = (await goService({ name: 'hello', source: resolve('examples/hello') }).go('1.99').build({ engine: 'local' }).catch((e: unknown) => e)) as GostaticError
    expect(err.code).toBe('GO_VERSION')
    expect(err.message).toContain(`.go('1.99') asks for Go 1.99, the host has ${host}, and switching with GOTOOLCHAIN=go1.99.0 (GOPROXY=`)
    expect(err.message).toContain('go1.99.0')
  })

  it('says which source folder is missing', async () => {
    const err = (await goService({ name: 'x', source: join(tmp, 'nope') }).build({ engine: 'local' }).catch((e: unknown) => e)) as GostaticError
    expect(err.code).toBe('INPUT_NOT_FOUND')
    expect(err.message).toContain('nope does not exist')
  })
})

describe.skipIf(missing('go'))('local engine: a pinned CA bundle', () => {
  const pem = PINNED_PEM
  const src = join(tmp, 'pinned-ca')
  beforeAll(() => {
    helloWithPinnedCa(src)
    writeFileSync(join(src, 'certs', 'not-pem.der'), Buffer.from([0x30, 0x82, 0x01, 0x0a]))
  })
  const svc = () => goService({ name: 'hello', source: src })

  it('ships the file byte for byte, root-owned and 644, on the static base', async () => {
    const r = await svc().caCertificates({ file: 'certs/ca.pem' }).build({ engine: 'local' })
    const files = await imageFiles((await r.exportTarball(join(tmp, 'pinned-ca.tar'))).path)
    const sha256 = createHash('sha256').update(pem).digest('hex')
    expect(files.get('/etc/ssl/certs/ca-certificates.crt')).toEqual({ type: 'file', mode: '644', uid: 0, gid: 0, sha256 })
  })

  it('names caCertificates.file when the file is missing or holds no PEM certificate', async () => {
    const missingFile = await svc().caCertificates({ file: 'certs/nope.pem' }).build({ engine: 'local' }).catch((e: unknown) => e)
    expect(missingFile).toMatchObject({ code: 'INPUT_NOT_FOUND', message: `caCertificates.file: 'certs/nope.pem' does not exist (looked at ${join(src, 'certs', 'nope.pem')})` })
    const der = await svc().caCertificates({ file: 'certs/not-pem.der' }).build({ engine: 'local' }).catch((e: unknown) => e)
    expect(der).toMatchObject({ code: 'INVALID_SPEC', message: "caCertificates.file: 'certs/not-pem.der' holds no PEM certificate (no -----BEGIN CERTIFICATE----- line)" })
  })
})
