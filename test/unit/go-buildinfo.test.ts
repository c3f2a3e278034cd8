// readGoBuildInfo() against what `go version -m` prints for the same binary,
// on programs built here; plus the module-info grammar on its own.
import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readGoBuildInfo } from '../../src/inspect/go-buildinfo.js'
import type { GoBuildInfo, GoModule } from '../../src/inspect/go-buildinfo.js'
import { parseModInfo } from '../../src/inspect/go-modinfo.js'
import { missing } from '../support/tools.js'
import { malformedMessage } from '../support/errors.js'

const exec = promisify(execFile)
// GOCACHE is left alone so repeated runs reuse compiled packages; GOPROXY=off
// proves the local replace needs no network.
const goEnv = { ...process.env, GOTOOLCHAIN: 'local', GOWORK: 'off', GOFLAGS: '', GOPROXY: 'off' }

async function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await exec(cmd, args, { cwd, env: { ...goEnv, ...env }, maxBuffer: 1 << 24 })
  return stdout
}

let work: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gostatic-buildinfo-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

// What `go version -m FILE` prints for this build info: BuildInfo.String()
// with the go line dropped, every line indented by a tab.
function asGoVersionM(file: string, bi: GoBuildInfo): string {
  const lines: string[] = []
  if (bi.path !== '') lines.push(`path\t${bi.path}`)
  const mod = (word: string, m: GoModule & { replace?: GoModule }): void => {
    if (m.replace === undefined) {
      lines.push(`${word}\t${m.path}\t${m.version}\t${m.sum ?? ''}`)
    } else {
      lines.push(`${word}\t${m.path}\t${m.version}`)
      mod('=>', m.replace)
      lines.push('')
    }
  }
  if (bi.main.path !== '' || bi.main.version !== '') mod('mod', bi.main)
  bi.deps.forEach((d) => mod('dep', d))
  // JSON.stringify quotes like strconv.Quote for the printable ASCII used here.
  const q = (s: string, re: RegExp): string => (re.test(s) ? JSON.stringify(s) : s)
  for (const [k, v] of Object.entries(bi.settings)) {
    lines.push(`build\t${q(k, /^$|[= \t\r\n"`]/)}=${q(v, /[ \t\r\n"`]/)}`)
  }
  return `${file}: ${bi.goVersion}\n${lines.map((l) => `\t${l}`).join('\n')}\n`
}

describe.skipIf(missing('go'))('Go binaries', () => {
  let app: string
  const bin = (name: string): string => join(app, name)
  const info = async (name: string): Promise<GoBuildInfo | null> => readGoBuildInfo(await readFile(bin(name)))

  beforeAll(async () => {
    // One module dependency, replaced by a sibling directory: no network needed.
    const greet = join(work, 'greet')
    app = join(work, 'app')
    await mkdir(greet)
    await mkdir(app)
    await writeFile(join(greet, 'go.mod'), 'module example.com/greet\n\ngo 1.22\n')
    await writeFile(join(greet, 'greet.go'), 'package greet\n\nfunc Hello() string { return "hello" }\n')
    await writeFile(
      join(app, 'go.mod'),
      'module example.com/app\n\ngo 1.22\n\nrequire example.com/greet v0.1.0\n\nreplace example.com/greet => ../greet\n',
    )
    await writeFile(
      join(app, 'main.go'),
      'package main\n\nimport "example.com/greet"\n\nvar version = "dev"\n\nfunc main() { println(greet.Hello(), version) }\n',
    )
    const go = (env: Record<string, string>, ...args: string[]): Promise<string> =>
      run('go', ['build', ...args, '.'], app, { CGO_ENABLED: '0', ...env })
    await go({ GOARCH: 'amd64' }, '-trimpath', '-tags', 'netgo,osusergo', '-o', 'trimmed')
    // cmd/go records -ldflags only without -trimpath (go.dev/issue/52372), hence a second build.
    await go({ GOARCH: 'amd64' }, '-ldflags', "-s -w -X 'main.version=1.2 beta'", '-o', 'ldflags')
    await go({ GOARCH: 'mips' }, '-trimpath', '-o', 'mips')
  })

  it('records CGO_ENABLED=0, -trimpath, -tags and GOARCH', async () => {
    const bi = await info('trimmed')
    expect(bi?.goVersion).toMatch(/^go1\.\d+/)
    expect(bi?.settings).toMatchObject({
      CGO_ENABLED: '0',
      '-trimpath': 'true',
      '-tags': 'netgo,osusergo',
      GOARCH: 'amd64',
      GOOS: 'linux',
      '-buildmode': 'exe',
      '-compiler': 'gc',
    })
    expect(bi?.settings).not.toHaveProperty('-ldflags')
  })

  it('records -ldflags with its quoting undone', async () => {
    const bi = await info('ldflags')
    expect(bi?.settings['-ldflags']).toBe("-s -w -X 'main.version=1.2 beta'")
    expect(bi?.settings).not.toHaveProperty('-trimpath')
  })

  it('names the main module and the replaced dependency', async () => {
    const bi = await info('trimmed')
    expect(bi?.path).toBe('example.com/app')
    expect(bi?.main).toEqual({ path: 'example.com/app', version: '(devel)' })
    expect(bi?.deps).toEqual([
      { path: 'example.com/greet', version: 'v0.1.0', replace: { path: '../greet', version: '(devel)' } },
    ])
  })

  it('reads a big-endian 32-bit binary', async () => {
    expect((await info('mips'))?.settings).toMatchObject({ GOARCH: 'mips', GOMIPS: 'hardfloat' })
  })

  it.each(['trimmed', 'ldflags', 'mips'])('agrees with `go version -m` on the %s build', async (name) => {
    const bi = await info(name)
    expect(bi).not.toBeNull()
    expect(asGoVersionM(bin(name), bi!)).toBe(await run('go', ['version', '-m', bin(name)], app))
  })

  it('finds the build info when the section headers are gone, as Go does', async () => {
    const bytes = new Uint8Array(await readFile(bin('trimmed')))
    const v = new DataView(bytes.buffer)
    v.setBigUint64(40, 0n, true) // e_shoff
    v.setUint16(60, 0, true) // e_shnum
    v.setUint16(62, 0, true) // e_shstrndx
    expect(readGoBuildInfo(bytes)).toEqual(await info('trimmed'))
  })

  describe.skipIf(missing('upx'))('with upx', () => {
    it('returns null for a UPX-packed Go binary, whose build info is compressed', async () => {
      await copyFile(bin('ldflags'), bin('packed'))
      await run('upx', ['-q', '--no-progress', bin('packed')], app)
      expect(await info('packed')).toBeNull()
    })
  })
})

describe.skipIf(missing('gcc'))('C programs', () => {
  it('returns null for a binary gcc built', async () => {
    const dir = join(work, 'c')
    await mkdir(dir)
    await writeFile(join(dir, 'hello.c'), '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n')
    await run('gcc', ['-O2', '-o', 'hello', 'hello.c'], dir)
    expect(readGoBuildInfo(await readFile(join(dir, 'hello')))).toBeNull()
  })
})

describe('module info text', () => {
  const parse = (lines: string[]): GoBuildInfo => parseModInfo('go1.26.0', lines.map((l) => `${l}\n`).join(''))

  it('keeps sums, and replacements only on the module before them', () => {
    const bi = parse([
      'path\texample.com/x/cmd/x',
      'mod\texample.com/x\tv1.2.3\th1:main=',
      'dep\tgolang.org/x/text\tv0.3.0\th1:text=',
      'dep\texample.com/y\tv1.0.0',
      '=>\texample.com/fork\tv1.0.1\th1:fork=',
      'unknown lines are ignored',
    ])
    expect(bi.main).toEqual({ path: 'example.com/x', version: 'v1.2.3', sum: 'h1:main=' })
    expect(bi.deps).toEqual([
      { path: 'golang.org/x/text', version: 'v0.3.0', sum: 'h1:text=' },
      { path: 'example.com/y', version: 'v1.0.0', replace: { path: 'example.com/fork', version: 'v1.0.1', sum: 'h1:fork=' } },
    ])
  })

  it('undoes Go quoting of keys and values', () => {
    const bi = parse([
      'build\t-gcflags="all=-N -l"',
      'build\t"odd=key"=`raw value`',
      'build\tDefaultGODEBUG=a=1,b=0',
      'build\tvcs.modified=false',
      'build\tesc="tab\\there \\x41\\101\\u00e9\\U0001F600"',
      'build\tCGO_CFLAGS=',
      'build\t__proto__=plain',
    ])
    expect(bi.settings).toEqual({
      '-gcflags': 'all=-N -l',
      'odd=key': 'raw value',
      DefaultGODEBUG: 'a=1,b=0',
      'vcs.modified': 'false',
      esc: 'tab\there AAé😀',
      CGO_CFLAGS: '',
      ['__proto__']: 'plain',
    })
    expect(Object.getPrototypeOf(bi.settings)).toBe(Object.prototype)
  })

  it('ignores a last line without its newline, as Go does', () => {
    expect(parseModInfo('go1.26.0', 'path\ta\nbuild\tGOOS=linux').settings).toEqual({})
  })

  it.each([
    ['=>\ta\tb\t', 'replacement with no module on previous line'],
    ['dep\ta', 'expected 2 or 3 columns; got 1'],
    ['build\tKEY', "build line missing '=' after key"],
    ['build\t=v', 'build line with missing key'],
    ['build\t-ldflags=-s -w', 'unquoted value "-s -w" must be quoted'],
    ['build\tk="unterminated', 'invalid quoted value in build line'],
    ['build\t"k"v', 'unexpected character after quoted key'],
  ])('rejects %j like Go does', (line, why) => {
    expect(malformedMessage(() => parse([line]))).toBe(`Go module info line 1 (${JSON.stringify(line)}): ${why}`)
  })
})
