// The checks a rendered Dockerfile runs on the binary, run by a real sh with
// the real readelf and go on real binaries: a static Go program passes; a C
// program linked by gcc, a Go PIE and a file that is no ELF are refused; a
// go-sqlite3 program built with cgo off is refused naming modernc.org/sqlite.
import { execFile, spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { linkageCheck, settingsCheck, stubCheck } from '../../src/render/verify-shell.js'
import { CGO_STUB_MODULES } from '../../src/plan/runtime-needs.js'
import { missing } from '../support/tools.js'

const exec = promisify(execFile)
const skip = missing('go', 'gcc', 'readelf')
const env = { ...process.env, GOWORK: 'off', GOFLAGS: '-mod=mod' }
let dir: string

const sh = (script: string) => spawnSync('sh', ['-c', script], { encoding: 'utf8', env })

type Env = Record<string, string>

async function goBuild(name: string, src: string, extra: Env, args: string[] = [], require = ''): Promise<string> {
  const d = join(dir, name)
  await mkdir(d, { recursive: true })
  await writeFile(join(d, 'go.mod'), `module example.com/${name}\n\ngo 1.21\n${require}`)
  await writeFile(join(d, 'main.go'), src)
  if (require !== '') await exec('go', ['mod', 'tidy'], { cwd: d, env: { ...env, ...extra } })
  await exec('go', ['build', '-trimpath', ...args, '-o', 'app', '.'], { cwd: d, env: { ...env, ...extra } })
  return join(d, 'app')
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gostatic-verify-shell-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe.skipIf(skip)('Dockerfile checks: linkage and build settings', () => {
  const hello = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n'

  it('passes a static Go binary built as planned', async () => {
    const bin = await goBuild('static', hello, { CGO_ENABLED: '0' })
    const settings = [['CGO_ENABLED', '0'], ['-trimpath', 'true']] as const
    const r = sh(`${linkageCheck(bin, '/usr/local/bin/app')} && ${settingsCheck(bin, settings)}`)
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' })
    expect(sh(settingsCheck(bin, [['CGO_ENABLED', '1']])).status).toBe(1)
  })

  it('refuses a C program linked against glibc, naming its interpreter and libraries', async () => {
    await writeFile(join(dir, 'hello.c'), '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n')
    await exec('gcc', ['-o', join(dir, 'hello-c'), join(dir, 'hello.c')])
    const r = sh(linkageCheck(join(dir, 'hello-c'), '/usr/local/bin/app'))
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(
      `gostatic: ${join(dir, 'hello-c')} is dynamically linked. ` +
        "On scratch or a static base it would die with 'exec /usr/local/bin/app: no such file or directory'",
    )
    expect(r.stderr).toMatch(/\[Requesting program interpreter: \/lib.*ld-linux.*\]/)
    expect(r.stderr).toMatch(/\(NEEDED\)\s+Shared library: \[libc\.so\.6\]/)
  })

  it('refuses a Go PIE, which links a dynamic loader even with cgo off', async () => {
    const bin = await goBuild('pie', hello, { CGO_ENABLED: '0' }, ['-buildmode=pie'])
    const r = sh(linkageCheck(bin, '/app'))
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('Requesting program interpreter')
  })

  it('fails on a file readelf cannot read, rather than passing it', async () => {
    await writeFile(join(dir, 'not-elf'), '#!/bin/sh\necho hi\n')
    const r = sh(linkageCheck(join(dir, 'not-elf'), '/app'))
    expect(r.status).not.toBe(0)
    expect(r.stderr).toContain('readelf: Error:')
  })
})

describe.skipIf(skip)('Dockerfile checks: a cgo stub in the build info', () => {
  const sqlite =
    'package main\n\nimport (\n\t"database/sql"\n\t"fmt"\n\n\t_ "github.com/mattn/go-sqlite3"\n)\n\n' +
    'func main() {\n\tdb, _ := sql.Open("sqlite3", ":memory:")\n\tfmt.Println(db.Ping())\n}\n'

  it('refuses go-sqlite3 built with cgo off, naming the module and modernc.org/sqlite', async () => {
    const require = '\nrequire github.com/mattn/go-sqlite3 v1.14.24\n'
    const bin = await goBuild('sqlite', sqlite, { CGO_ENABLED: '0' }, [], require)
    const r = sh(stubCheck(bin, CGO_STUB_MODULES))
    expect(r.status).toBe(1)
    expect(r.stderr).toBe(
      `gostatic: ${bin} links github.com/mattn/go-sqlite3, which compiles a stub with CGO_ENABLED=0 that fails at run time: ` +
        'replace it with modernc.org/sqlite, or build it with cgo: .cgo() (gostatic build --cgo)\n',
    )
  })

  it('passes a program without one', async () => {
    const bin = await goBuild('plain', 'package main\n\nfunc main() {}\n', { CGO_ENABLED: '0' })
    expect(sh(stubCheck(bin, CGO_STUB_MODULES))).toMatchObject({ status: 0, stderr: '' })
    expect(stubCheck(bin, [])).toBe('')
  })
})
