// The cgo-only-API note on the Dagger engine, as on the local one
// (test/e2e/cgo-only-error.test.ts): a CGO_ENABLED=0 build that fails on a
// name only cgo files declare says whose cgo files, the module, and .cgo().
// go list and the cgo files are read inside the Dagger builder; the engine
// here has no network, so go-sqlite3 comes vendored.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { goService, type GostaticError } from '../../src/index.js'
import { runTool } from '../../src/util/run-tool.js'
import { builderImage, missingDagger } from '../support/dagger.js'
import { missing } from '../support/tools.js'
import { FILE_CONTROL, OWN_CGO, OWN_MAIN, SQLITE_MODULE, SQLITE_VERSION, goModule } from '../support/cgo-fixtures.js'

const skip = missingDagger() || missing('go')
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-dagger-cgo-only-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as GostaticError)

describe.skipIf(skip)('dagger engine: a name only cgo files declare, with cgo off', () => {
  it("go-sqlite3's SetFileControlInt: GO_BUILD_FAILED names the module and says .cgo() and --cgo", async () => {
    const src = await goModule(join(tmp, 'fcntl'), 'example.com/fcntl', { 'main.go': FILE_CONTROL }, [
      `${SQLITE_MODULE} ${SQLITE_VERSION}`,
    ])
    const vendor = await runTool('go', ['mod', 'vendor'], { cwd: src })
    expect(vendor.exitCode, vendor.stderr).toBe(0)
    const svc = goService({ name: 'fcntl', source: src }).mod('vendor').builderImage(builderImage()).runtime('scratch')
    const err = await failure(svc.build({ engine: 'dagger' }))
    expect(err?.code).toBe('GO_BUILD_FAILED')
    expect(err?.message).toMatch(/^go build failed for fcntl \(linux\/amd64\) in the Dagger builder:\n/)
    expect(err?.message).toContain('c.SetFileControlInt undefined (type *sqlite3.SQLiteConn has no field or method')
    expect(err?.message).toContain(
      `SetFileControlInt is declared only in the cgo files of ${SQLITE_MODULE}: a CGO_ENABLED=0 build leaves those ` +
        `files out, so ${SQLITE_MODULE} is a cgo module`,
    )
    expect(err?.hint).toContain('.cgo()') // the API's form of the hint (the CLI's says --cgo)
  }, 600_000)

  it("the service's own package: the note names it and says .cgo()", async () => {
    const src = await goModule(join(tmp, 'own'), 'example.com/own', { 'main.go': OWN_MAIN, 'answer.go': OWN_CGO })
    const err = await failure(goService({ name: 'own', source: src }).builderImage(builderImage()).build({ engine: 'dagger' }))
    expect(err?.code).toBe('GO_BUILD_FAILED')
    expect(err?.message).toContain("answer is declared only in the cgo files of the service's own package example.com/own")
    expect(err?.hint).toContain('.cgo()') // the API's form of the hint (the CLI's says --cgo)
  }, 600_000)
})
