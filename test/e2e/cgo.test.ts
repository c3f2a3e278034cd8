// .cgo(): services that must have cgo build static with zig (cross-arch) or
// musl-gcc, are proved static, and run: a go-sqlite3 service answers a real
// query on scratch (amd64, in a container) and under qemu-aarch64-static
// (arm64); a service with its own C file builds with musl-gcc; a library that
// exists only as a shared object is named in the error, and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { goService, plan, type BuildResult, type GostaticError } from '../../src/index.js'
import type { EngineEvent } from '../../src/engines/events.js'
import { readCgoFacts } from '../../src/builder/read-cgo-facts.js'
import { readElf } from '../../src/inspect/elf-reader.js'
import { readElfComment } from '../../src/inspect/elf-comment.js'
import { readGoBuildInfo } from '../../src/inspect/go-buildinfo.js'
import { runTool } from '../../src/util/run-tool.js'
import { missing, missingZig, zigPath } from '../support/tools.js'
import { docker, dockerLoad, missingDocker, runContainer } from '../support/runtime.js'
import { runCli } from '../support/cli.js'
import { SQLITE_ANSWER, SQLITE_MAIN, SQLITE_MODULE, SQLITE_VERSION, goModule, runImage, runUnderQemu, sqliteModule } from '../support/cgo-fixtures.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-e2e-cgo-'))
const images: string[] = []
afterAll(async () => {
  if (images.length > 0) await docker(['rmi', '-f', ...images])
  rmSync(tmp, { recursive: true, force: true })
})

const skip = missing('go') || missingZig()
const sqliteSrc = join(tmp, 'sqlite')
const sqlite = () => goService({ name: 'sqlite-cgo', source: sqliteSrc }).runtime('scratch').cgo({ zig: zigPath()! })

describe.skipIf(skip)('.cgo() with zig: go-sqlite3 static for linux/amd64 and linux/arm64', () => {
  let r: BuildResult
  beforeAll(async () => {
    await sqliteModule(sqliteSrc)
    // Cold, zig builds musl for each target once (minutes); warm, this only links.
    r = await sqlite().platforms('linux/amd64', 'linux/arm64').build({ engine: 'local' })
  }, 900_000)

  it('plans CGO_ENABLED=1, zig cc per target, the static external link and the tags go-sqlite3 needs', () => {
    const p = sqlite().platforms('linux/amd64', 'linux/arm64').plan()
    expect(p.targets.map((t) => [t.env['CGO_ENABLED'], t.env['CC'], t.env['CXX']])).toEqual([
      ['1', 'zig cc -target x86_64-linux-musl', 'zig c++ -target x86_64-linux-musl'],
      ['1', 'zig cc -target aarch64-linux-musl', 'zig c++ -target aarch64-linux-musl'],
    ])
    expect(p.targets[0]!.goArgs).toEqual([
      'build', '-trimpath', '-buildvcs=false', '-tags', 'netgo,osusergo,sqlite_omit_load_extension',
      '-ldflags', "-s -w -linkmode external -extldflags '-static -Wl,--strip-all'",
    ])
    // go.mod requires go-sqlite3, so its tag comes with a reason; no other known module's does.
    expect(p.go.cgo!.moduleTags.map((m) => m.module)).toEqual(['github.com/mattn/go-sqlite3'])
    expect(p.explain()).toContain("The seed recipe's -extldflags \"-static\" is right here, and only here")
  })

  it('verifies both binaries: static ELF for the target, CGO_ENABLED=1 and the tags in the build info, linked by zig', () => {
    for (const [i, machine] of [[0, 'x86_64'], [1, 'aarch64']] as const) {
      const t = r.report.targets[i]!
      expect(t.elf).toMatchObject({ machine, isStatic: true, interpreter: null, needed: [], stripped: true })
      const bytes = r.images[i]!.binary.bytes
      const info = readGoBuildInfo(bytes)!
      expect(info.settings).toMatchObject({ CGO_ENABLED: '1', '-trimpath': 'true', '-tags': 'netgo,osusergo,sqlite_omit_load_extension' })
      // With -trimpath go records no -ldflags: the external link shows in the ELF instead.
      expect(info.settings['-ldflags']).toBeUndefined()
      expect(readElfComment(bytes).join('\n')).toMatch(/Linker: LLD/)
      expect(readElf(bytes).sections).not.toContain('.interp')
    }
  })

  it.skipIf(missingDocker())('runs the amd64 image on scratch in a real container: the query answers with the SQLite version', async () => {
    const run = await runImage(r, join(tmp, 'sqlite.tar'), images)
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout).toMatch(SQLITE_ANSWER)
  })

  it.skipIf(missing('qemu-aarch64-static'))('runs the arm64 binary under qemu-aarch64-static: the same query answers', async () => {
    const bin = join(tmp, 'sqlite-arm64')
    const run = await runUnderQemu(r, bin)
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout).toMatch(SQLITE_ANSWER)
    // The host cannot run it bare: it really is an aarch64 binary.
    expect(readElf(readFileSync(bin)).machine).toBe('aarch64')
  })
})

describe.skipIf(missing('go'))('a go-sqlite3 service without .cgo()', () => {
  it('is refused as a cgo stub (CGO_STUB), naming .cgo() as one fix; with .cgo() the same module plans no refusal', async () => {
    const src = join(tmp, 'sqlite-stub')
    await goModule(src, 'example.com/sqlitestub', { 'main.go': SQLITE_MAIN }, [`${SQLITE_MODULE} ${SQLITE_VERSION}`])
    const svc = goService({ name: 'sqlite-stub', source: src }).runtime('scratch')
    const off = svc.plan()
    expect(off.targets[0]!.env['CGO_ENABLED']).toBe('0')
    expect(off.steps.find((s) => s.kind === 'check-needs')).toMatchObject({ refuseModules: [{ module: SQLITE_MODULE }] })
    const out = join(tmp, 'sqlite-stub-out')
    mkdirSync(out)
    const cli = await runCli(['build', src, '--runtime', 'scratch', '--out', join(out, 'stub.tar')])
    expect(cli.code).toBe(1)
    expect(cli.stderr).toContain('[CGO_STUB]')
    expect(cli.stderr).toContain(
      // The CLI's form of the hint: --cgo, not .cgo().
      'replace github.com/mattn/go-sqlite3 with modernc.org/sqlite, or build with cgo: --cgo makes a static cgo build with zig or musl-gcc ' +
        '(without it gostatic builds with CGO_ENABLED=0, and no image can make the stub work)',
    )
    expect(readdirSync(out)).toEqual([])
    // What the refusal spares: the CGO_ENABLED=0 binary fails its first query.
    const bin = join(tmp, 'sqlite-stub-bin')
    const b = await runTool('go', ['build', '-o', bin, '.'], { cwd: src, env: { ...process.env, CGO_ENABLED: '0' } })
    expect(b.exitCode, b.stderr).toBe(0)
    expect((await runTool(bin, [])).stderr).toContain('go-sqlite3 requires cgo to work. This is a stub')
    // With .cgo(), go-sqlite3 is real: the check-needs step refuses nothing.
    expect(svc.cgo().plan().steps.find((s) => s.kind === 'check-needs')).toMatchObject({ refuseModules: [] })
  }, 300_000)
})

const C_SERVICE = {
  'add.c': '#include <stdio.h>\n#include "add.h"\n\nint add(int a, int b) { return a + b; }\n\nint describe(char *buf, int n, int v) { return snprintf(buf, n, "C says %d", v); }\n',
  'add.h': 'int add(int a, int b);\nint describe(char *buf, int n, int v);\n',
  'main.go': `package main

// #include "add.h"
import "C"

import "fmt"

func main() {
	var out [64]C.char
	C.describe(&out[0], 64, C.add(40, 2))
	fmt.Println(C.GoString(&out[0]))
}
`,
}

describe.skipIf(missing('go', 'musl-gcc'))('.cgo({ toolchain: musl-gcc }): a service with its own C file on linux/amd64', () => {
  it('builds static with musl-gcc, verified, and runs on scratch', async () => {
    const src = await goModule(join(tmp, 'own-c'), 'example.com/ownc', C_SERVICE)
    const svc = goService({ name: 'own-c', source: src }).runtime('scratch').cgo({ toolchain: 'musl-gcc' })
    const p = svc.plan()
    expect(p.targets[0]!.env).toMatchObject({ CGO_ENABLED: '1', CC: 'musl-gcc' })
    expect(p.targets[0]!.env['CXX']).toBeUndefined()
    expect(p.targets[0]!.goArgs).toContain("-s -w -linkmode external -extldflags '-static'")
    const r = await svc.build({ engine: 'local' })
    const t = r.report.targets[0]!
    expect(t.elf).toMatchObject({ machine: 'x86_64', isStatic: true, interpreter: null, needed: [] })
    const bytes = r.images[0]!.binary.bytes
    expect(readGoBuildInfo(bytes)!.settings).toMatchObject({ CGO_ENABLED: '1', '-tags': 'netgo,osusergo' })
    expect(readElfComment(bytes).join('\n')).toMatch(/^GCC: /m)
    const bin = await r.exportBinary(join(tmp, 'own-c-bin'))
    expect((await runTool(bin, [])).stdout).toBe('C says 42\n')
    if (missingDocker()) return
    const image = await dockerLoad((await r.exportTarball(join(tmp, 'own-c.tar'), { tag: `gostatic.local/own-c:${process.pid}` })).path)
    images.push(image)
    expect(await runContainer(image)).toMatchObject({ exitCode: 0, stdout: 'C says 42\n' })
  }, 300_000)

  it('refuses musl-gcc for a platform other than this machine', () => {
    const svc = goService({ name: 'own-c', source: join(tmp, 'own-c') }).platforms('linux/arm64').cgo({ toolchain: 'musl-gcc' })
    expect(() => svc.plan()).toThrow(/cgo.toolchain musl-gcc compiles for this machine's platform \(linux\/amd64\) only, not linux\/arm64/)
  })
})

const PCAP_MAIN = `package main

// #cgo LDFLAGS: -lpcap
// const char *pcap_lib_version(void);
import "C"

import "fmt"

func main() { fmt.Println(C.GoString(C.pcap_lib_version())) }
`

describe.skipIf(missing('go'))('a cgo service linking a library it cannot get statically', () => {
  it.each([
    ['zig', /unable to find static system library "pcap"/],
    ['musl-gcc', /cannot find -lpcap/],
  ] as const)('%s: the error names libpcap.a and what to install; no image is written', async (toolchain, linkerSays) => {
    if (toolchain === 'zig' ? missingZig() : missing('musl-gcc')) return
    const src = await goModule(join(tmp, `pcap-${toolchain}`), 'example.com/pcap', { 'main.go': PCAP_MAIN })
    const out = join(tmp, `pcap-${toolchain}-out`)
    mkdirSync(out)
    const env = { ...process.env, PATH: `${join(zigPath() ?? '/nonexistent', '..')}:${process.env['PATH']}` }
    const cli = await runCli(['build', src, `--cgo=${toolchain}`, '--runtime', 'scratch', '--out', join(out, 'pcap.tar')], { env })
    expect(cli.code).not.toBe(0)
    expect(cli.stderr).toContain('NOT_STATIC')
    expect(cli.stderr).toContain('the static link needs libpcap.a (-lpcap), and the C linker found no static archive of it')
    expect(cli.stderr).toMatch(linkerSays)
    expect(cli.stderr).toContain("install libpcap.a built for musl (the library's -dev or -static package, e.g. Alpine's libpcap-dev")
    expect(readdirSync(out)).toEqual([])
  }, 300_000)
})

const GREET_MAIN = `package main

// #cgo LDFLAGS: -lgreet
// int greet(void);
import "C"

import "fmt"

func main() { fmt.Println("greet", C.greet()) }
`

describe.skipIf(skip)('a library that exists only as a shared object (libgreet.so)', () => {
  let src: string
  let lib: string
  const svc = () => goService({ name: 'greet', source: src }).runtime('scratch').cgo({ zig: zigPath()! })
  beforeAll(async () => {
    src = await goModule(join(tmp, 'greet'), 'example.com/greet', { 'main.go': GREET_MAIN })
    lib = join(tmp, 'greet-lib')
    mkdirSync(lib)
    writeFileSync(join(lib, 'greet.c'), 'int greet(void) { return 7; }\n')
    const so = await runTool(zigPath()!, ['cc', '-target', 'x86_64-linux-musl', '-shared', '-o', join(lib, 'libgreet.so'), join(lib, 'greet.c')])
    expect(so.exitCode, so.stderr).toBe(0)
  })

  it('fails the static link naming libgreet.a and the folder searched', async () => {
    const err = await svc().env({ CGO_LDFLAGS: `-L${lib}` }).build({ engine: 'local' }).then(() => undefined, (e: unknown) => e as GostaticError)
    expect(err?.code).toBe('NOT_STATIC')
    expect(err?.message).toContain(`the static link needs libgreet.a (-lgreet), and the C linker found no static archive of it (greet: searched ${lib}`)
  }, 300_000)

  it('refuses the binary when an override makes the link dynamic anyway, naming the libraries it needs', async () => {
    // An -extldflags after the plan's replaces its '-static': zig then links libgreet.so, musl's libc.so and its loader.
    const err = await svc().env({ CGO_LDFLAGS: `-L${lib}` }).ldflags({ extra: [`-extldflags=-L${lib}`] }).build({ engine: 'local' })
      .then(() => undefined, (e: unknown) => e as GostaticError)
    expect(err?.code).toBe('NOT_STATIC')
    expect(err?.message).toMatch(/^greet \(linux\/amd64\) is dynamically linked: it needs interpreter \/lib\/ld-musl-x86_64\.so\.1 and libraries [^\n]*libgreet\.so/)
    expect(err?.message).toContain('Refusing to write the image.')
    expect(err?.hint).toContain("the plan links with -extldflags '-static'")
    expect(err?.hint).toContain('link libgreet.so statically: install libgreet.a built for musl')
  }, 300_000)
})

describe.skipIf(missing('go', 'python3'))('finding the C toolchain on this machine', () => {
  const wheel = () => join(zigPath()!, '..', '..', 'lib')
  // go stays reachable; zig is neither on PATH nor importable unless a test puts it there.
  const goDir = dirname(spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).stdout.trim())
  const bare = { PATH: `${goDir}:/usr/sbin:/usr/bin:/sbin:/bin`, HOME: process.env['HOME'] ?? '/root' }
  let src: string
  beforeAll(async () => {
    src = await goModule(join(tmp, 'finder'), 'example.com/finder', C_SERVICE)
  })
  const spec = (cgo: Record<string, string> = {}) => goService({ name: 'finder', source: src }).cgo(cgo).toSpec()

  it('reads the host facts .cgo() alone chooses with: zig on PATH, the ziglang wheel, musl-gcc', () => {
    // Where zig is (scripts/zig.sh install), it is found on PATH and as python3 -m ziglang (the wheel on
    // PYTHONPATH, no zig on PATH); a machine without it skips these two, and CI (GOSTATIC_REQUIRE_TOOLS=1) fails.
    if (!missingZig()) {
      const zigDir = join(zigPath()!, '..')
      expect(readCgoFacts(spec(), { ...bare, PATH: `${zigDir}:${bare.PATH}` })).toMatchObject({ host: 'linux/amd64', zig: true })
      expect(readCgoFacts(spec(), { ...bare, PYTHONPATH: wheel() })).toMatchObject({ zig: true })
    }
    const none = readCgoFacts(spec(), bare)!
    expect(none.zig).toBe(false)
    // musl-gcc as the bare PATH finds it (not this process's PATH, which may hide or add it).
    const muslOnBare = spawnSync('sh', ['-c', 'command -v musl-gcc'], { env: bare, stdio: 'ignore' }).status === 0
    expect(none.muslGcc).toBe(muslOnBare)
    // No zig and musl-gcc here: .cgo() alone picks musl-gcc for this machine's platform.
    if (none.muslGcc) expect(plan(spec(), null, none).go.cgo).toMatchObject({ toolchain: 'musl-gcc' })
    // A named toolchain needs no looking.
    expect(readCgoFacts(spec({ toolchain: 'zig' }), bare)).toMatchObject({ zig: null, muslGcc: null })
  })

  it.skipIf(missingZig())('builds with the zig python3 -m ziglang finds when none is on PATH', async () => {
    const events: EngineEvent[] = []
    const env = { ...process.env, PATH: bare.PATH, PYTHONPATH: wheel() }
    const r = await goService({ name: 'wheel-c', source: src }).cgo({ toolchain: 'zig' }).build({ engine: 'local', env, onEvent: (e) => events.push(e) })
    expect(events.find((e) => e.kind === 'info' && e.message.startsWith('cgo: zig at'))).toMatchObject({ message: expect.stringMatching(/\(python3 -m ziglang\)$/) })
    expect(r.report.targets[0]!.elf).toMatchObject({ isStatic: true })
  }, 600_000)

  it('says how to install zig when there is none', async () => {
    const err = await goService({ name: 'no-zig', source: src }).cgo({ toolchain: 'zig' })
      .build({ engine: 'local', env: { ...process.env, PATH: bare.PATH, PYTHONPATH: '' } }).then(() => undefined, (e: unknown) => e as GostaticError)
    expect(err?.code).toBe('TOOL_MISSING')
    expect(err?.message).toBe('no-zig: .cgo() builds with zig, which was not found (looked on PATH and for python3 -m ziglang)')
    expect(err?.hint).toBe(
      "install it: pip install ziglang==0.17.1 (then python3 -m ziglang runs it), or give its path with .cgo({ zig: '/path/to/zig' }). " +
        "On linux/amd64 alone, .cgo({ toolchain: 'musl-gcc' }) works too (apt-get install musl-tools).",
    )
    const path = await goService({ name: 'no-zig', source: src }).cgo({ zig: '/nonexistent/zig' }).build({ engine: 'local' })
      .then(() => undefined, (e: unknown) => e as GostaticError)
    expect(path?.message).toBe('no-zig: .cgo() builds with zig, which was not found (/nonexistent/zig is not an executable file)')
  })
})
