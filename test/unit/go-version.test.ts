// The Go version a plan builds with: .go(), then go.mod's toolchain line, then
// its go line, then the host; and the go.mod reader behind it.
import { afterAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { goService, plan } from '../../src/index.js'
import { goModDirectives } from '../../src/spec/go-mod-directives.js'
import { readModuleFacts } from '../../src/builder/read-module-facts.js'
import { toolchainName } from '../../src/plan/go-version.js'
import type { ModuleFacts } from '../../src/spec/module-facts.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-unit-go-version-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const spec = { name: 'svc', source: '/src/svc' }
const facts = (go: string | null, toolchain: string | null = null): ModuleFacts => ({
  file: 'go.mod',
  go: go === null ? null : { version: go, line: 3 },
  toolchain: toolchain === null ? null : { name: toolchain, version: toolchain.replace(/^go/, ''), line: 5 },
})

describe('go and toolchain lines', () => {
  it('reads them as go does: comments, blocks, quoted strings, `toolchain default`', () => {
    const text = [
      '// go 1.10 in a comment is no directive',
      'module "example.com/x" // go 1.11',
      'go 1.27 // the language version',
      'require (',
      '\tgo 1.12',
      '\tgo.uber.org/zap v1.27.0',
      ')',
      'toolchain go1.27.1-corp',
      'replace example.com/y => "../y (copy)"',
    ].join('\n')
    expect(goModDirectives(text, 'go.mod')).toEqual({ file: 'go.mod', go: { version: '1.27', line: 3 }, toolchain: { name: 'go1.27.1-corp', version: '1.27.1', line: 8 } })
    expect(goModDirectives('module m\ngo 1.22\ntoolchain default\n', 'go.mod').toolchain).toBeNull()
    expect(goModDirectives('module m\n', 'go.mod')).toEqual({ file: 'go.mod', go: null, toolchain: null })
  })

  it.each([
    ['module m\ngo 1.x\n', "sub/go.mod:2: go '1.x' is not a Go version like 1.23 or 1.23.4"],
    ['module m\ngo 1.22\ngo 1.23\n', 'sub/go.mod:3: a second go line (the first is line 2)'],
    ['module m\ntoolchain 1.23.4\n', "sub/go.mod:2: toolchain '1.23.4' is not a Go toolchain name like go1.23.4"],
    ['module m\ngo 1.22 1.23\n', 'sub/go.mod:2: the go directive takes exactly one argument, got 2'],
  ])('names the file and line of a bad directive: %j', (text, message) => {
    expect(() => goModDirectives(text, 'go.mod', 'sub/go.mod')).toThrow(message)
  })

  it('takes go.work over go.mod, as go does, and honours GOWORK=off', () => {
    const root = join(tmp, 'ws')
    mkdirSync(join(root, 'mod'), { recursive: true })
    writeFileSync(join(root, 'go.work'), 'go 1.27\n\nuse ./mod\n')
    writeFileSync(join(root, 'mod', 'go.mod'), 'module m\n\ngo 1.24\n')
    expect(readModuleFacts(join(root, 'mod'), undefined)).toEqual({ file: '../go.work', go: { version: '1.27', line: 1 }, toolchain: null })
    expect(readModuleFacts(join(root, 'mod'), 'off')).toEqual({ file: 'go.mod', go: { version: '1.24', line: 3 }, toolchain: null })
    expect(readModuleFacts(join(tmp, 'nothing-here'), undefined)).toBeNull()
  })
})

describe('the plan picks the Go version', () => {
  it('prefers .go(), then the toolchain line, then the go line, then the host', () => {
    expect(plan({ ...spec, go: '1.25' }, facts('1.27', 'go1.27.2')).go).toMatchObject({ version: '1.25', from: { kind: 'spec' }, builderImage: 'golang:1.25-alpine' })
    expect(plan(spec, facts('1.27', 'go1.27.2')).go).toMatchObject({ version: '1.27.2', toolchainIfOlder: 'go1.27.2', from: { kind: 'toolchain-line', file: 'go.mod', line: 5 }, builderImage: 'golang:1.27.2-alpine' })
    expect(plan(spec, facts('1.27')).go).toMatchObject({ version: '1.27', toolchainIfOlder: 'go1.27.0', from: { kind: 'go-line', file: 'go.mod', line: 3 }, builderImage: 'golang:1.27-alpine' })
    expect(plan(spec, null).go).toMatchObject({ version: null, toolchainIfOlder: null, from: { kind: 'host' }, builderImage: 'golang:1.26-alpine' })
  })

  it('lets a go line beat an older toolchain line, and ignores a go line older than any verifiable Go', () => {
    expect(plan(spec, facts('1.27', 'go1.26.1')).go).toMatchObject({ version: '1.27', from: { kind: 'go-line' } })
    const old = plan(spec, facts('1.16'))
    expect(old.go).toMatchObject({ version: null, from: { kind: 'host' }, builderImage: 'golang:1.26-alpine' })
    expect(old.explain()).toContain("go.mod's go 1.16 is older than any Go gostatic verifies (1.18): the host Go builds")
  })

  it('explains where the version came from and what the engines do with it', () => {
    expect(plan(spec, facts('1.27', 'go1.27.2')).explain()).toContain(
      'Go version: Go 1.27.2, from the toolchain line of go.mod (line 5): the toolchain the module asks for. The local engine uses the host Go when it is at least that new, and otherwise GOTOOLCHAIN=go1.27.2, which go fetches through the module proxy. The Dockerfile and Dagger builder is golang:1.27.2-alpine.',
    )
  })

  it('warns when .go() is older than the go line requires', () => {
    expect(plan({ ...spec, go: '1.25' }, facts('1.27')).warnings[0]).toMatch(/^\.go\('1\.25'\) is older than the Go 1\.27 that go\.mod line 3 requires/)
    expect(plan({ ...spec, go: '1.27.3' }, facts('1.27')).warnings).toEqual([])
  })

  it('names toolchains as go does: a bare language version from 1.21 on means its first release', () => {
    expect([toolchainName('1.27'), toolchainName('1.23.4'), toolchainName('1.27rc1'), toolchainName('1.20')]).toEqual(['go1.27.0', 'go1.23.4', 'go1.27rc1', 'go1.20'])
  })

  it('svc.plan() and svc.dockerfile() read go.mod, so a module of Go 1.27 never gets golang:1.26-alpine', () => {
    const dir = join(tmp, 'svc127')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'go.mod'), 'module example.com/svc\n\ngo 1.27\n')
    const svc = goService({ name: 'svc', source: dir })
    expect(svc.plan().go.version).toBe('1.27')
    expect(svc.dockerfile()).toContain('ARG GO_IMAGE=golang:1.27-alpine')
    expect(svc.dockerfile()).not.toContain('golang:1.26')
  })

  it('refuses facts that are not facts', () => {
    expect(() => plan(spec, { file: '', go: null, toolchain: null })).toThrow('invalid module facts')
  })

  it('gives go commands on the whole module the build env without the target', () => {
    const p = plan({ ...spec, platforms: ['linux/arm/v7'], goPrivate: ['corp.example'], mod: 'readonly', env: { GOPROXY: 'https://proxy.corp.example' } })
    expect(p.go.moduleEnv).toEqual({ CGO_ENABLED: '0', GOFLAGS: '-mod=readonly', GOPRIVATE: 'corp.example', GOPROXY: 'https://proxy.corp.example' })
    expect(p.targets[0]!.env).toEqual({ ...p.go.moduleEnv, GOOS: 'linux', GOARCH: 'arm', GOARM: '7' })
  })
})
