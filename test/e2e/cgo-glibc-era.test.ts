// Static cgo for C written for glibc: go-sqlite3 1.14.17 (before 1.14.18)
// calls pread64, which musl 1.2.4 and later declare only under
// _LARGEFILE64_SOURCE ("use of undeclared identifier 'pread64'"). The plan's C
// flags carry the define, and a user's CGO_CFLAGS is appended to -O2 -g (a
// replacement would build C in zig's debug mode, and the link would fail on
// __ubsan_handle_* symbols). Built for linux/amd64 and linux/arm64 with zig,
// and run: in a container, and under qemu-aarch64-static.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { goService, type BuildResult } from '../../src/index.js'
import { missing, missingZig, zigPath } from '../support/tools.js'
import { docker, missingDocker } from '../support/runtime.js'
import { SQLITE_ANSWER, SQLITE_MAIN, SQLITE_MODULE, goModule, runImage, runUnderQemu } from '../support/cgo-fixtures.js'

/** The last go-sqlite3 release whose C calls the LFS64 names. */
export const SQLITE_GLIBC_ERA = 'v1.14.17'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-e2e-cgo-lfs64-'))
const images: string[] = []
afterAll(async () => {
  if (images.length > 0) await docker(['rmi', '-f', ...images])
  rmSync(tmp, { recursive: true, force: true })
})

const skip = missing('go') || missingZig()

describe.skipIf(skip)(`go-sqlite3 ${SQLITE_GLIBC_ERA} with .cgo() and a user's CGO_CFLAGS`, () => {
  let r: BuildResult
  beforeAll(async () => {
    const src = await goModule(join(tmp, 'old'), 'example.com/sqliteold', { 'main.go': SQLITE_MAIN }, [
      `${SQLITE_MODULE} ${SQLITE_GLIBC_ERA}`,
    ])
    r = await goService({ name: 'sqlite-old', source: src })
      .runtime('scratch')
      .cgo({ zig: zigPath()! })
      .env({ CGO_CFLAGS: '-DSQLITE_DEFAULT_CACHE_SIZE=-4000' })
      .platforms('linux/amd64', 'linux/arm64')
      .build({ engine: 'local' })
  }, 1_800_000)

  it('builds static for both targets: the LFS64 define and -O2 come with the plan, the user flag after them', () => {
    for (const t of r.plan.targets)
      expect(t.env['CGO_CFLAGS']).toBe('-O2 -g -D_LARGEFILE64_SOURCE -DSQLITE_DEFAULT_CACHE_SIZE=-4000 -fno-sanitize=undefined')
    expect(r.report.targets.map((t) => [t.elf.machine, t.elf.isStatic])).toEqual([['x86_64', true], ['aarch64', true]])
  })

  it.skipIf(missingDocker())('the amd64 image answers the query in a real container', async () => {
    const run = await runImage(r, join(tmp, 'old.tar'), images)
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout).toMatch(SQLITE_ANSWER)
  })

  it.skipIf(missing('qemu-aarch64-static'))('the arm64 binary answers under qemu-aarch64-static', async () => {
    const run = await runUnderQemu(r, join(tmp, 'old-arm64'))
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout).toMatch(SQLITE_ANSWER)
  })
})
