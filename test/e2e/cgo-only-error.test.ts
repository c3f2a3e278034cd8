// A CGO_ENABLED=0 build that fails on a name only cgo files declare, through
// the CLI as a user meets it: a program calling go-sqlite3's
// SQLiteConn.SetFileControlInt (declared in its cgo files only), and a
// service whose own package declares a function in a cgo file. The error
// names the package and its module, and says --cgo (the CLI's form of the hint; the API's says .cgo()).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../support/cli.js'
import { FILE_CONTROL, OWN_CGO, OWN_MAIN, SQLITE_MODULE, SQLITE_VERSION, goModule } from '../support/cgo-fixtures.js'
import { missing } from '../support/tools.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-e2e-cgo-only-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe.skipIf(missing('go'))('a name only cgo files declare, with cgo off', () => {
  it("go-sqlite3's SetFileControlInt: GO_BUILD_FAILED names the module and says --cgo (the CLI's form)", async () => {
    const src = await goModule(join(tmp, 'fcntl'), 'example.com/fcntl', { 'main.go': FILE_CONTROL }, [
      `${SQLITE_MODULE} ${SQLITE_VERSION}`,
    ])
    const r = await runCli(['build', src, '--engine', 'local', '--out', join(tmp, 'fcntl.tar')])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('GO_BUILD_FAILED')
    expect(r.stderr).toContain('c.SetFileControlInt undefined (type *sqlite3.SQLiteConn has no field or method')
    expect(r.stderr).toContain(
      `SetFileControlInt is declared only in the cgo files of ${SQLITE_MODULE}: a CGO_ENABLED=0 build leaves those ` +
        `files out, so ${SQLITE_MODULE} is a cgo module`,
    )
    // The CLI's form of the hint: the flag, not the builder call.
    expect(r.stderr).toContain('hint: build with cgo: --cgo (a static musl build')
    expect(r.stderr).not.toContain('.cgo()')
  }, 300_000)

  it("the service's own package: the error names it and says --cgo", async () => {
    const src = await goModule(join(tmp, 'own'), 'example.com/own', { 'main.go': OWN_MAIN, 'answer.go': OWN_CGO })
    const r = await runCli(['build', src, '--engine', 'local', '--out', join(tmp, 'own.tar')])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('GO_BUILD_FAILED')
    expect(r.stderr).toContain("answer is declared only in the cgo files of the service's own package example.com/own")
    // The CLI's form of the hint: the flag, not the builder call.
    expect(r.stderr).toContain('hint: build with cgo: --cgo (a static musl build')
    expect(r.stderr).not.toContain('.cgo()')
  }, 300_000)
})
