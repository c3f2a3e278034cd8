// The pure parts of `gostatic doctor`: import chains, the replacement table,
// what each topic says per runtime, the text form, option and flag parsing.
import { describe, expect, it } from 'vitest'
import { doctor, GostaticError, KNOWN_CGO_MODULES, renderDoctorText, type DoctorReport } from '../../src/index.js'
import { importChains } from '../../src/doctor/import-chain.js'
import { cgoSuggestion } from '../../src/plan/cgo-plan.js'
import { knownCgoModule } from '../../src/plan/known-cgo-modules.js'
import { TOPIC_RULES, type TopicContext } from '../../src/doctor/meaning-changes.js'
import { GoListPackageSchema, type GoListPackage } from '../../src/doctor/go-list.js'
import { upxPlatformRule } from '../../src/spec/upx-platforms.js'
import { parseCLI } from '../../src/cli/parse-cli.js'

const pkg = (ImportPath: string, Imports: string[] = [], root = false): GoListPackage => GoListPackageSchema.parse({ ImportPath, Imports, DepOnly: !root })
const graph = (...ps: GoListPackage[]) => new Map(ps.map((p) => [p.ImportPath, p]))
const ctx = (base: TopicContext['base'], over: Partial<TopicContext> = {}): TopicContext => ({ base, tzCalls: [], tzdataEmbedded: false, ...over })

describe('import chains', () => {
  it('names the shortest chain from a main package, skipping imports outside the graph (like "C")', () => {
    const find = importChains(graph(
      pkg('example.com/svc', ['example.com/svc/store', 'net/http', 'C'], true),
      pkg('example.com/svc/store', ['github.com/mattn/go-sqlite3']),
      pkg('net/http', ['net']),
      pkg('net'),
      pkg('github.com/mattn/go-sqlite3', ['net/url', 'C']),
      pkg('net/url'),
    ))
    expect(find('github.com/mattn/go-sqlite3')).toEqual(['example.com/svc', 'example.com/svc/store', 'github.com/mattn/go-sqlite3'])
    expect(find('net')).toEqual(['example.com/svc', 'net/http', 'net'])
    expect(find('example.com/svc')).toEqual(['example.com/svc'])
    expect(find('os/user')).toEqual([])
  })
})

describe('known cgo modules', () => {
  it('matches a module and its packages, including major-version suffixes', () => {
    expect(knownCgoModule('github.com/mattn/go-sqlite3', 'github.com/mattn/go-sqlite3')).toMatchObject({ replacement: 'modernc.org/sqlite', withoutCgo: 'stub' })
    expect(cgoSuggestion(knownCgoModule('github.com/mattn/go-sqlite3', 'github.com/mattn/go-sqlite3'))).toMatchInlineSnapshot(`
      {
        "call": ".cgo()",
        "note": "a static cgo build with zig or musl-gcc: the plan sets CGO_ENABLED=1, the C toolchain, -linkmode external -extldflags '-static' and these tags, and verifies the binary is static. sqlite_omit_load_extension: go-sqlite3 then leaves out load_extension, so it never calls dlopen, which a static binary cannot do.",
        "tags": [
          "netgo",
          "osusergo",
          "sqlite_omit_load_extension",
        ],
      }
    `)
    expect(cgoSuggestion(undefined).tags).toEqual(['netgo', 'osusergo'])
    expect(knownCgoModule('github.com/confluentinc/confluent-kafka-go/v2/kafka', 'github.com/confluentinc/confluent-kafka-go/v2')?.replacement).toBe('github.com/twmb/franz-go')
    expect(knownCgoModule('github.com/mattn/go-sqlite3x', 'github.com/mattn/go-sqlite3x')).toBeUndefined()
  })
  it('says for every entry what changes, since none is a drop-in', () => {
    for (const k of KNOWN_CGO_MODULES) expect(k.note.length, k.module).toBeGreaterThan(30)
  })
})

describe('what the plan does, per runtime', () => {
  it('crypto/x509: static ships the bundle, scratch warns, an image base keeps its own', () => {
    expect(TOPIC_RULES['crypto/x509'](ctx({ kind: 'static' }))).toMatchObject({ severity: 'info', planDoes: expect.stringContaining('/etc/ssl/certs/ca-certificates.crt and sets SSL_CERT_FILE') })
    expect(TOPIC_RULES['crypto/x509'](ctx({ kind: 'scratch' }))).toMatchObject({ severity: 'warning', youChoose: expect.stringContaining("caCertificates(true) or runtime('static')") })
    expect(TOPIC_RULES['crypto/x509'](ctx({ kind: 'image', ref: 'alpine:3.20' })).planDoes).toContain("alpine:3.20's own bundle")
  })
  it('os/user: passwd on bases gostatic makes; a warning on an image base', () => {
    expect(TOPIC_RULES['os/user'](ctx({ kind: 'scratch' }))).toMatchObject({ severity: 'info', planDoes: expect.stringContaining('nonroot (65532)') })
    expect(TOPIC_RULES['os/user'](ctx({ kind: 'image', ref: 'alpine:3.20' })).severity).toBe('warning')
  })
  it('time.LoadLocation: suggests the literal zones it found, or all of them when a zone comes from a variable', () => {
    const calls = [{ where: 'main.go:3: time.LoadLocation("Asia/Shanghai")', zone: 'Asia/Shanghai' }, { where: 'a.go:9: time.LoadLocation("Europe/Berlin")', zone: 'Europe/Berlin' }]
    expect(TOPIC_RULES['time.LoadLocation'](ctx({ kind: 'static' }, { tzCalls: calls }))).toMatchObject({ severity: 'warning', youChoose: ".timezones(['Asia/Shanghai', 'Europe/Berlin'])" })
    expect(TOPIC_RULES['time.LoadLocation'](ctx({ kind: 'static' }, { tzCalls: [...calls, { where: 'b.go:1: time.LoadLocation(', zone: null }] })).youChoose)
      .toBe(".timezones('all') (a zone name comes from a variable), or at least .timezones(['Asia/Shanghai', 'Europe/Berlin'])")
    expect(TOPIC_RULES['time.LoadLocation'](ctx({ kind: 'image', ref: 'alpine:3.20' }, { tzCalls: calls })).planDoes).toContain('-tags timetzdata')
    expect(TOPIC_RULES['time.LoadLocation'](ctx({ kind: 'scratch' }, { tzdataEmbedded: true }))).toMatchObject({ severity: 'info', youChoose: 'nothing' })
  })
  it('plugin is a blocker on every runtime', () => {
    for (const base of [{ kind: 'static' }, { kind: 'scratch' }, { kind: 'image', ref: 'debian:12' }] as const)
      expect(TOPIC_RULES.plugin(ctx(base)).severity).toBe('blocker')
  })
})

describe('renderDoctorText', () => {
  it('prints blockers with their chain and replacement, and the verdict', () => {
    const report: DoctorReport = {
      schema: 'gostatic.doctor/v1', dir: '/src/svc', main: '.', platform: 'linux/amd64', runtime: 'static', tags: [], ok: false,
      counts: { blocker: 1, warning: 0, info: 0 },
      findings: [{
        kind: 'needs-cgo', severity: 'blocker', package: 'github.com/mattn/go-sqlite3', module: 'github.com/mattn/go-sqlite3',
        chain: ['example.com/svc', 'github.com/mattn/go-sqlite3'], withoutCgo: 'stub', message: 'it compiles a stub',
        replacement: { path: 'modernc.org/sqlite', note: 'pure Go' },
        withCgo: { call: '.cgo()', tags: ['netgo', 'osusergo', 'sqlite_omit_load_extension'], note: 'static with zig' },
      }],
      notes: ['how it was checked'],
    }
    expect(renderDoctorText(report)).toBe([
      'gostatic doctor: /src/svc (main ., linux/amd64, runtime static)',
      '',
      'BLOCKER  github.com/mattn/go-sqlite3',
      '         it compiles a stub',
      '         import chain: example.com/svc → github.com/mattn/go-sqlite3',
      '         replace with: modernc.org/sqlite',
      '         note: pure Go',
      '         or build with cgo: .cgo(), tags netgo,osusergo,sqlite_omit_load_extension',
      '         note: static with zig',
      '',
      '1 blocker(s), 0 warning(s), 0 note(s): NOT ready for CGO_ENABLED=0',
      '  (how it was checked)',
      '',
    ].join('\n'))
  })
})

describe('doctor options and flags', () => {
  it('refuses a bad runtime or platform before running go, naming the field', async () => {
    const bad = await doctor('.', { runtime: 'Not An Image!' }).then(() => undefined, (e: unknown) => e)
    expect(bad).toBeInstanceOf(GostaticError)
    expect((bad as GostaticError).code).toBe('INVALID_CONFIG')
    expect((bad as GostaticError).message).toMatch(/'Not An Image!' is not 'scratch', 'static' or a valid image reference[\s\S]*→ at runtime/)
    await expect(doctor('.', { platform: 'darwin/arm64' as never })).rejects.toThrow(/unknown platform 'darwin\/arm64'/)
  })
  it('says which folder does not exist', async () => {
    await expect(doctor('/nonexistent/gostatic-doctor')).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' })
  })
  it('parses `gostatic doctor [dir]` with --main, --runtime, --tags and --json', () => {
    expect(parseCLI(['doctor'])).toEqual({ kind: 'doctor', dir: '.', flags: { tags: [], json: false, strict: false } })
    expect(parseCLI(['doctor', 'svc', '--main', './cmd/api', '--runtime', 'scratch', '--tags', 'netgo,osusergo', '--json'])).toEqual({
      kind: 'doctor', dir: 'svc', flags: { main: './cmd/api', runtime: 'scratch', tags: ['netgo', 'osusergo'], json: true, strict: false },
    })
    expect(() => parseCLI(['doctor', '--platform', 'darwin/arm64'])).toThrow(/unknown platform 'darwin\/arm64'/)
  })
})

describe('UPX platform rule', () => {
  it('names darwin and windows explicitly, and every other target by name', () => {
    expect(upxPlatformRule('linux/amd64', false)).toBeUndefined()
    expect(upxPlatformRule('linux/arm64', true)).toBeUndefined()
    expect(upxPlatformRule('darwin/arm64', true)).toContain('CantPackException: macOS is currently not supported')
    expect(upxPlatformRule('windows/amd64', true)).toContain('quarantined by antivirus and EDR tools')
    expect(upxPlatformRule('linux/386', true)).toBe('gostatic only packs linux/amd64 (and linux/arm64 on request); UPX support for linux/386 is unreliable. Remove upx() or the platform')
  })
})
