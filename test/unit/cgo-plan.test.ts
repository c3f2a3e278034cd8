// The pure parts of .cgo(): the spec's rules, the toolchain choice from host
// facts, the env, tags and link flags per platform, explain(), the builder
// tools, the Dockerfile, and reading a failed static link.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { goService, plan, renderDockerfile } from '../../src/index.js'
import type { CgoFacts } from '../../src/spec/cgo-options.js'
import { ZIG_VERSION } from '../../src/plan/cgo-plan.js'
import { staticLinkProblem } from '../../src/plan/static-link-error.js'
import { goModRequires } from '../../src/spec/go-mod-directives.js'
import { thrownBy } from '../support/errors.js'

const ZIG_CFLAGS = '-O2 -g -D_LARGEFILE64_SOURCE -fno-sanitize=undefined'
const GCC_CFLAGS = '-O2 -g -D_LARGEFILE64_SOURCE'

const svc = () => goService({ name: 'db', source: '/src/db' }).runtime('scratch')
const facts = (over: Partial<CgoFacts> = {}): CgoFacts => ({
  host: 'linux/amd64', zig: true, muslGcc: true, requires: ['github.com/mattn/go-sqlite3'], ...over,
})
const planOf = (s: ReturnType<typeof svc>, f: CgoFacts | null = facts()) => plan(s.toSpec(), null, f)
const errorOf = thrownBy

describe('.cgo(): the toolchain', () => {
  it.each([
    ['the spec names musl-gcc', { toolchain: 'musl-gcc' as const }, facts({ zig: true }), 'musl-gcc', ".cgo({ toolchain: 'musl-gcc' }) names it."],
    ['a zig path is given', { zig: '/opt/zig/zig' }, facts({ zig: null }), 'zig', ".cgo({ zig: '/opt/zig/zig' }) names a zig."],
    ['no host facts', {}, null, 'zig', '.cgo() picks zig (no host facts were given, so musl-gcc was not considered).'],
    ['zig is here', {}, facts(), 'zig', '.cgo() picks zig, which this machine has.'],
    ['no zig, musl-gcc, host target', {}, facts({ zig: false }), 'musl-gcc', '.cgo() picks musl-gcc: this machine has no zig, has musl-gcc, and every target is its own platform (linux/amd64).'],
    ['no zig, no musl-gcc', {}, facts({ zig: false, muslGcc: false }), 'zig', '.cgo() picks zig: this machine has neither zig nor musl-gcc.'],
  ] as const)('%s', (_name, options, f, toolchain, why) => {
    const p = planOf(svc().cgo(options), f)
    expect(p.go.cgo).toMatchObject({ toolchain, why })
  })

  it('picks zig when a target is not the host platform, even without zig here', () => {
    const p = planOf(svc().platforms('linux/amd64', 'linux/arm64').cgo(), facts({ zig: false }))
    expect(p.go.cgo).toMatchObject({ toolchain: 'zig', why: '.cgo() picks zig although this machine has none: musl-gcc cannot build linux/arm64 here.' })
  })

  it('refuses musl-gcc for a platform other than the host, naming the field', () => {
    const e = errorOf(() => planOf(svc().platforms('linux/arm64').cgo({ toolchain: 'musl-gcc' }), facts({ host: 'linux/amd64' })))
    expect(e.code).toBe('INVALID_SPEC')
    expect(e.message).toBe("invalid service 'db': cgo.toolchain musl-gcc compiles for this machine's platform (linux/amd64) only, not linux/arm64")
  })
})

describe('.cgo(): env, tags and flags', () => {
  it('sets CGO_ENABLED=1 and zig cc per platform, links external and static, adds netgo, osusergo and the module tags', () => {
    const p = planOf(svc().platforms('linux/amd64', 'linux/arm64').tags('extra').cgo())
    expect(p.go.moduleEnv).toEqual({ CGO_ENABLED: '1' })
    expect(p.targets.map((t) => t.env)).toEqual([
      { CC: 'zig cc -target x86_64-linux-musl', CGO_CFLAGS: ZIG_CFLAGS, CGO_CXXFLAGS: ZIG_CFLAGS, CGO_ENABLED: '1', CXX: 'zig c++ -target x86_64-linux-musl', GOARCH: 'amd64', GOOS: 'linux' },
      { CC: 'zig cc -target aarch64-linux-musl', CGO_CFLAGS: ZIG_CFLAGS, CGO_CXXFLAGS: ZIG_CFLAGS, CGO_ENABLED: '1', CXX: 'zig c++ -target aarch64-linux-musl', GOARCH: 'arm64', GOOS: 'linux' },
    ])
    expect(p.targets[1]!.goArgs).toEqual([
      'build', '-trimpath', '-buildvcs=false', '-tags', 'extra,netgo,osusergo,sqlite_omit_load_extension',
      '-ldflags', "-s -w -linkmode external -extldflags '-static -Wl,--strip-all'",
    ])
    expect(p.targets[1]!.verify).toEqual({
      elfMachine: 'aarch64',
      settings: { CGO_ENABLED: '1', '-trimpath': 'true', GOOS: 'linux', GOARCH: 'arm64', '-tags': 'extra,netgo,osusergo,sqlite_omit_load_extension' },
      externalLink: 'zig',
    })
    expect(p.go.cgo!.cache).toEqual({ env: ['ZIG_GLOBAL_CACHE_DIR', 'ZIG_LOCAL_CACHE_DIR'], name: 'zig', builderPath: '/root/.cache/zig' })
  })

  it('musl-gcc: CC only (it has no C++), -extldflags -static, no cache', () => {
    const p = planOf(svc().cgo({ toolchain: 'musl-gcc' }), facts({ requires: [] }))
    expect(p.targets[0]!.env).toEqual({
      CC: 'musl-gcc', CGO_CFLAGS: GCC_CFLAGS, CGO_CXXFLAGS: GCC_CFLAGS, CGO_ENABLED: '1', GOARCH: 'amd64', GOOS: 'linux',
    })
    expect(p.targets[0]!.goArgs).toEqual(['build', '-trimpath', '-buildvcs=false', '-tags', 'netgo,osusergo', '-ldflags', "-s -w -linkmode external -extldflags '-static'"])
    expect(p.go.cgo!.cache).toBeNull()
  })

  it("adds a known module's tags only when go.mod requires it, and every known module's without facts", () => {
    expect(planOf(svc().cgo(), facts({ requires: ['example.com/other'] })).go.cgo!.moduleTags).toEqual([])
    expect(planOf(svc().cgo(), facts({ requires: ['github.com/confluentinc/confluent-kafka-go/v2'] })).go.cgo!.moduleTags.map((m) => m.tags)).toEqual([['musl']])
    expect(planOf(svc().cgo(), null).go.cgo!.moduleTags.map((m) => m.module)).toEqual(['github.com/mattn/go-sqlite3', 'github.com/confluentinc/confluent-kafka-go'])
  })

  it("lets the user's extra ldflags come last, and keeps -X quoting", () => {
    const args = planOf(svc().cgo().ldflags({ X: { 'main.v': 'a b' }, extra: ['-v'] })).targets[0]!.goArgs
    expect(args.at(-1)).toBe("-s -w -linkmode external -extldflags '-static -Wl,--strip-all' -X 'main.v=a b' -v")
  })

  it('is deterministic and leaves a plan without .cgo() at CGO_ENABLED=0', () => {
    expect(JSON.stringify(planOf(svc().cgo()))).toBe(JSON.stringify(planOf(svc().cgo())))
    const off = planOf(svc())
    expect(off.go.cgo).toBeNull()
    expect(off.targets[0]!.verify).toMatchObject({ settings: { CGO_ENABLED: '0' }, externalLink: null })
    expect(off.targets[0]!.goArgs.join(' ')).not.toContain('extldflags')
  })
})

describe('.cgo(): explain()', () => {
  it("says why: toolchain, static external link (right here and only here), netgo/osusergo, the module tag, zig's cache", () => {
    const text = planOf(svc().platforms('linux/amd64', 'linux/arm64').cgo()).explain()
    const cflags = "'-O2 -g -D_LARGEFILE64_SOURCE -fno-sanitize=undefined'"
    expect(text).toContain(
      `linux/arm64: CC='zig cc -target aarch64-linux-musl' CGO_CFLAGS=${cflags} CGO_CXXFLAGS=${cflags} CGO_ENABLED=1 ` +
        "CXX='zig c++ -target aarch64-linux-musl'",
    )
    expect(text).toContain("a user's flags are appended, never a replacement that drops -O2")
    expect(text).toContain("verify the binary is a static aarch64 ELF, linked by the C linker (zig) with CGO_ENABLED=1, -trimpath and -tags=netgo,osusergo,sqlite_omit_load_extension in its build info")
    expect(text).toContain("- -linkmode external -extldflags '-static': The C linker links the binary and links it static. The seed recipe's -extldflags \"-static\" is right here, and only here")
    expect(text).toContain('- toolchain zig: .cgo() picks zig, which this machine has.')
    expect(text).toContain('- netgo,osusergo: With cgo on, net and os/user would call libc')
    expect(text).toContain('- sqlite_omit_load_extension: For github.com/mattn/go-sqlite3: go-sqlite3 then leaves out load_extension, so it never calls dlopen')
    expect(text).toContain('With -trimpath go records neither -ldflags nor the CGO_* flags')
    expect(text).not.toContain("no -extldflags '-static'")
  })

  it("without .cgo() the note says -extldflags '-static' is a no-op there and right only with .cgo()", () => {
    expect(planOf(svc()).explain()).toContain('so it is not emitted. It is right only with .cgo(), where a C linker does run.')
  })
})

describe('.cgo(): spec rules', () => {
  const message = (s: ReturnType<typeof svc>) => errorOf(() => s.toSpec()).message
  it('refuses CGO_ENABLED, CC and CXX in env with .cgo(), an unsupported platform, and musl-gcc for two platforms', () => {
    expect(message(svc().cgo().env({ CGO_ENABLED: '1' }))).toContain('CGO_ENABLED is set by the plan: .cgo() turns it on; remove it from env\n  → at env.CGO_ENABLED')
    expect(message(svc().cgo().env({ CC: 'gcc' }))).toContain("CC is set per platform by .cgo(); choose the toolchain with .cgo({ toolchain: 'zig' | 'musl-gcc' })")
    expect(message(svc().cgo().platforms('linux/arm/v7'))).toContain('.cgo() builds static binaries for linux/amd64 and linux/arm64; linux/arm/v7 is not supported with cgo\n  → at platforms')
    expect(message(svc().cgo({ toolchain: 'musl-gcc' }).platforms('linux/amd64', 'linux/arm64'))).toContain("musl-gcc compiles for the machine it runs on only, and linux/amd64, linux/arm64 are 2 platforms; use .cgo({ toolchain: 'zig' }) to cross-compile\n  → at cgo.toolchain")
    expect(message(svc().cgo({ toolchain: 'gcc' as never }))).toContain("unknown cgo toolchain 'gcc'; allowed: zig, musl-gcc")
    expect(message(svc().cgo({ zig: 'zig' }))).toContain('give the zig executable as an absolute path\n  → at cgo.zig')
  })

  it('without .cgo(), CGO_ENABLED=1 in env is refused with .cgo() named as the static way', () => {
    expect(message(svc().env({ CGO_ENABLED: '1' }))).toContain('For a static cgo build use .cgo() (zig or musl-gcc)')
  })
})

describe('.cgo(): builders', () => {
  it('installs zig from its pinned wheel when the builder lacks it, musl-tools for musl-gcc on apt', () => {
    const tools = planOf(svc().cgo()).go.builderTools
    expect(tools.manager).toBe('apk')
    expect(tools.tools).toContainEqual({
      command: 'zig', package: 'py3-pip',
      setup: [
        `python3 -m pip install --no-cache-dir --no-deps --target /opt/ziglang-${ZIG_VERSION} ziglang==${ZIG_VERSION}`,
        `ln -sf /opt/ziglang-${ZIG_VERSION}/ziglang/zig /usr/local/bin/zig`,
      ],
    })
    expect(planOf(svc().builderImage('golang:1.26-bookworm').cgo({ toolchain: 'musl-gcc' })).go.builderTools.tools).toContainEqual({ command: 'musl-gcc', package: 'musl-tools' })
  })

  it('renders a Dockerfile with CC per TARGETARCH, zig in the builder, and its cache mounted', () => {
    const df = renderDockerfile(planOf(svc().platforms('linux/amd64', 'linux/arm64').cgo()))
    expect(df).toContain(`command -v zig >/dev/null || (apk add --no-cache binutils py3-pip && python3 -m pip install --no-cache-dir --no-deps --target /opt/ziglang-${ZIG_VERSION} ziglang==${ZIG_VERSION} && ln -sf /opt/ziglang-${ZIG_VERSION}/ziglang/zig /usr/local/bin/zig)`)
    expect(df).toContain(
      `ENV CGO_CFLAGS='${ZIG_CFLAGS}' CGO_CXXFLAGS='${ZIG_CFLAGS}' CGO_ENABLED=1 ` +
        'ZIG_GLOBAL_CACHE_DIR=/root/.cache/zig ZIG_LOCAL_CACHE_DIR=/root/.cache/zig\n',
    )
    expect(df).toContain(
      "--mount=type=cache,target=/root/.cache/zig case \"$TARGETARCH\" in amd64) export CC='zig cc -target x86_64-linux-musl' CXX='zig c++ -target x86_64-linux-musl';; " +
        "arm64) export CC='zig cc -target aarch64-linux-musl' CXX='zig c++ -target aarch64-linux-musl';; esac; GOOS=$TARGETOS GOARCH=$TARGETARCH go build",
    )
    expect(df).toContain("-ldflags '-s -w -linkmode external -extldflags '\\''-static -Wl,--strip-all'\\''' -o /out/db .")
    expect(df).toContain("grep -q 'build\tCGO_ENABLED=1'")
  })

  it('renders one platform with CC in ENV', () => {
    expect(renderDockerfile(planOf(svc().cgo()))).toContain(
      `ENV CC='zig cc -target x86_64-linux-musl' CGO_CFLAGS='${ZIG_CFLAGS}' CGO_CXXFLAGS='${ZIG_CFLAGS}' CGO_ENABLED=1 ` +
        "CXX='zig c++ -target x86_64-linux-musl' ZIG_GLOBAL_CACHE_DIR=",
    )
  })

  it('scripts/zig.sh and the tests pin the same zig as the plan', () => {
    expect(readFileSync('scripts/zig.sh', 'utf8')).toContain(`ZIG_VERSION=\${GOSTATIC_ZIG_VERSION:-${ZIG_VERSION}}`)
    expect(readFileSync('test/support/tools.ts', 'utf8')).toContain(`/var/cache/gostatic/ziglang-${ZIG_VERSION}/bin/zig`)
  })
})

describe('a failed static link', () => {
  it('names the library from GNU ld (musl-gcc) and from zig, with the folders zig searched', () => {
    expect(staticLinkProblem('/usr/bin/ld: cannot find -lpcap: No such file or directory\ncollect2: error: ld returned 1 exit status')).toMatchObject({ libraries: ['pcap'] })
    const zig = staticLinkProblem('error: unable to find static system library "greet" using strategy no_fallback. searched paths:  /tmp/lib\n')!
    expect(zig.libraries).toEqual(['greet'])
    expect(zig.message).toBe(
      'the static link needs libgreet.a (-lgreet), and the C linker found no static archive of it (greet: searched /tmp/lib). ' +
        'A shared library (.so) cannot go into a static binary, so no image was written',
    )
    expect(zig.hint).toBe(
      "install libgreet.a built for musl (the library's -dev or -static package, e.g. Alpine's libgreet-dev; Debian's -dev packages are built for glibc (with _FORTIFY_SOURCE) " +
        "and do not link with musl) and give its folder with .env({ CGO_LDFLAGS: '-L/path/to/lib' }), or replace the package that links it",
    )
    expect(staticLinkProblem('error: unable to find static system library "pcap" using strategy no_fallback. searched paths: none')!.message).toContain('found no static archive of it. A shared')
    expect(staticLinkProblem('main.go:3:2: undefined: foo')).toBeNull()
  })
})

describe('go.mod requires', () => {
  it('reads one-line and block requires, quoted paths too, ignoring replace and exclude blocks', () => {
    const gomod = 'module a\n\ngo 1.22\n\nrequire github.com/mattn/go-sqlite3 v1.14.53 // indirect\n\nrequire (\n\t"example.com/q" v1.0.0\n\tgolang.org/x/sys v0.1.0\n)\n\nreplace (\n\texample.com/r => ../r\n)\n'
    expect(goModRequires(gomod)).toEqual(['github.com/mattn/go-sqlite3', 'example.com/q', 'golang.org/x/sys'])
  })
})

describe('UPX smoke runs on another architecture', () => {
  it('name the qemu user-mode emulator for the target', () => {
    const p = goService({ name: 'u', source: '.' }).platforms('linux/amd64', 'linux/arm64').upx({ policy: { allowArm64: true } }).plan()
    expect(p.targets.map((t) => (t.upx.kind === 'pack' ? t.upx.emulator : null))).toEqual(['qemu-x86_64-static', 'qemu-aarch64-static'])
  })
})

describe('.cgo(): C flags', () => {
  it("appends a user's CGO_CFLAGS and CGO_CXXFLAGS to -O2 -g and the musl define, and zig's ends without sanitizers", () => {
    const svc = goService({ name: 'db', source: '.' }).cgo({ toolchain: 'zig' })
      .env({ CGO_CFLAGS: '-DSQLITE_ENABLE_FTS5', CGO_CXXFLAGS: '-O3' })
    const env = plan(svc.toSpec()).targets[0]!.env
    expect([env['CGO_CFLAGS'], env['CGO_CXXFLAGS']]).toEqual([
      '-O2 -g -D_LARGEFILE64_SOURCE -DSQLITE_ENABLE_FTS5 -fno-sanitize=undefined',
      '-O2 -g -D_LARGEFILE64_SOURCE -O3 -fno-sanitize=undefined',
    ])
    const gcc = plan(goService({ name: 'db', source: '.' }).cgo({ toolchain: 'musl-gcc' }).toSpec()).targets[0]!.env
    expect(gcc['CGO_CFLAGS']).toBe('-O2 -g -D_LARGEFILE64_SOURCE')
    expect(plan(goService({ name: 'db', source: '.' }).toSpec()).targets[0]!.env['CGO_CFLAGS']).toBeUndefined()
  })
})
