// The Go version comes from go.mod when .go() is not given: real modules that
// need a newer Go than the host's (go1.26.8 here) build with the toolchain go
// fetches through the module proxy, and the binaries' build info shows it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { goService, goWorkspace, type GostaticError } from '../../src/index.js'
import type { EngineEvent } from '../../src/engines/events.js'
import { readOciArchive, readFileFromImage } from '../../src/oci/oci-reader.js'
import { runTool } from '../../src/util/run-tool.js'
import { compareGo } from '../../src/plan/go-version.js'
import { missing } from '../support/tools.js'
import { runCli } from '../support/cli.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-go-version-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const MAIN = 'package main\n\nimport (\n\t"fmt"\n\t"runtime"\n)\n\nfunc main() { fmt.Println(runtime.Version()) }\n'

function writeModule(dir: string, goMod: string, mains: Record<string, string> = { '.': MAIN }): string {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'go.mod'), goMod)
  for (const [rel, text] of Object.entries(mains)) {
    mkdirSync(join(dir, rel), { recursive: true })
    writeFileSync(join(dir, rel, 'main.go'), text)
  }
  return dir
}

/** The host's own Go, whatever go.mod the current folder is in. */
async function hostGo(): Promise<string> {
  return (await runTool('go', ['env', 'GOVERSION'], { env: { ...process.env, GOTOOLCHAIN: 'local' } })).stdout.trim()
}

/** `go version <file>` on the binary inside an exported image: the toolchain that built it. */
async function builtWith(tar: string, path: string): Promise<string> {
  const bin = await readFileFromImage(await readOciArchive(tar), { os: 'linux', architecture: 'amd64' }, path)
  const file = join(tmp, `bin-${Math.random().toString(36).slice(2)}`)
  writeFileSync(file, bin!)
  const r = await runTool('go', ['version', file], { env: { ...process.env, GOTOOLCHAIN: 'local' } })
  return r.stdout.trim().split(' ').at(-1)!
}

describe.skipIf(missing('go'))('Go version from go.mod', () => {
  let host: string
  beforeAll(async () => {
    host = await hostGo()
    // The modules below only prove something while the host is older than what they ask for.
    expect(compareGo(host, '1.27')).toBeLessThan(0)
  })

  it("builds a module whose go line needs a newer Go with that Go, fetched through the proxy (the user's report)", async () => {
    const src = writeModule(join(tmp, 'go127'), 'module example.com/go127\n\ngo 1.27\n')
    const svc = goService({ name: 'go127', source: src })
    expect(svc.plan().go).toMatchObject({ version: '1.27', from: { kind: 'go-line', file: 'go.mod', line: 3 }, toolchainIfOlder: 'go1.27.0', builderImage: 'golang:1.27-alpine' })
    expect(svc.explain()).toContain('Go 1.27, from the go line of go.mod (line 3)')
    expect(svc.dockerfile()).toContain('ARG GO_IMAGE=golang:1.27-alpine')
    const events: EngineEvent[] = []
    const r = await svc.build({ engine: 'local', onEvent: (e) => events.push(e) })
    expect(r.report.go).toBe('go1.27.0')
    expect(r.report.targets[0]!.goVersion).toBe('go1.27.0')
    expect(events).toContainEqual({ kind: 'info', service: 'go127', message: `host ${host} is older than 1.27: building with go1.27.0 (GOTOOLCHAIN=go1.27.0)` })
    const tar = (await r.exportTarball(join(tmp, 'go127.tar'))).path
    expect(await builtWith(tar, '/usr/local/bin/go127')).toBe('go1.27.0')
  })

  it('says GO_VERSION with both versions and the cause when the toolchain cannot be fetched, not a GOPROXY hint for downloads', async () => {
    const src = writeModule(join(tmp, 'offline'), 'module example.com/offline\n\ngo 1.27\n')
    // An empty module cache: the toolchain fetched above is not there to fall back on.
    const env = { ...process.env, GOPROXY: 'off', GOMODCACHE: mkdtempSync(join(tmp, 'modcache-')) }
    const err = (await goService({ name: 'offline', source: src }).build({ engine: 'local', env }).catch((e: unknown) => e)) as GostaticError
    expect(err.code).toBe('GO_VERSION')
    expect(err.message).toContain(`the go line of go.mod (line 3) asks for Go 1.27, the host has ${host}, and switching with GOTOOLCHAIN=go1.27.0 (GOPROXY=off) failed`)
    expect(err.message).toContain('toolchain not available')
    expect(err.hint).not.toContain('check GOPROXY and network access')
  })

  it('builds a workspace whose module has a toolchain line: discovered, downloaded, compiled together and vendored with that Go', async () => {
    const root = join(tmp, 'ws')
    writeModule(root, 'module example.com/ws\n\ngo 1.27\n\ntoolchain go1.27.1\n', { 'cmd/one': MAIN, 'cmd/two': MAIN })
    const events: EngineEvent[] = []
    const ws = goWorkspace({ root }).defaults((s) => s.platforms('linux/amd64'))
    const r = await ws.build({ engine: 'local', concurrency: 2, onEvent: (e) => events.push(e) })
    expect(r.services.map((s) => (s.ok ? [s.name, s.result.report.targets[0]!.goVersion] : [s.name, s.error.message]))).toEqual([['one', 'go1.27.1'], ['two', 'go1.27.1']])
    const infos = events.flatMap((e) => (e.kind === 'info' && e.service === 'workspace' ? [e.message] : []))
    expect(infos).toContain(`modules downloaded once for ${root}`)
    expect(infos.filter((m) => m.startsWith('compiled 2 services'))).toHaveLength(1)
    expect(infos.find((m) => m.startsWith('compiled 2 services'))).not.toContain('failed')
    const vendored = await ws.vendor().build({ engine: 'local' })
    expect(vendored.services.map((s) => (s.ok ? s.result.report.go : s.error.message))).toEqual(['go1.27.1', 'go1.27.1'])
  })

  it('gostatic plan, dockerfile and build see the toolchain line too', async () => {
    const src = writeModule(join(tmp, 'cli'), 'module example.com/cli\n\ngo 1.27\n\ntoolchain go1.27.1 // pinned\n')
    const plan = await runCli(['plan', src])
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.stdout).toContain('Go 1.27.1, from the toolchain line of go.mod (line 5)')
    const dockerfile = await runCli(['dockerfile', src])
    expect(dockerfile.stdout).toContain('ARG GO_IMAGE=golang:1.27.1-alpine')
    const out = join(tmp, 'cli.tar')
    const build = await runCli(['build', src, '--engine', 'local', '--out', out, '--json'])
    expect(build.code, build.stderr).toBe(0)
    expect(JSON.parse(build.stdout)[0].report.go).toBe('go1.27.1')
    expect(await builtWith(out, '/usr/local/bin/cli')).toBe('go1.27.1')
  })

  it('.go() still switches the toolchain for a module whose go.mod asks for less', async () => {
    const src = writeModule(join(tmp, 'pinned'), 'module example.com/pinned\n\ngo 1.22\n')
    const r = await goService({ name: 'pinned', source: src }).go('1.27.1').build({ engine: 'local' })
    expect(r.report.targets[0]!.goVersion).toBe('go1.27.1')
  })

  it(".go() still wins over go.mod, and says so when it is older than go.mod's go line", () => {
    const src = writeModule(join(tmp, 'older'), 'module example.com/older\n\ngo 1.27\n')
    const p = goService({ name: 'older', source: src }).go('1.26').plan()
    expect(p.go).toMatchObject({ version: '1.26', from: { kind: 'spec' }, builderImage: 'golang:1.26-alpine' })
    expect(p.warnings).toContainEqual(expect.stringContaining(".go('1.26') is older than the Go 1.27 that go.mod line 3 requires"))
  })
})
