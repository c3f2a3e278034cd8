// Progress as a CI log shows it, through the real CLI: each step when it
// starts and when it ends, and no terminal escapes.
import { afterAll, describe, expect, it } from 'vitest'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { missing } from '../support/tools.js'
import { runCli } from '../support/cli.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-cli-progress-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe.skipIf(missing('go'))('gostatic build progress in a CI log', () => {
  it('prints each step at its start and its end, without cursor or colour escapes', async () => {
    const src = join(tmp, 'hello')
    cpSync(resolve('examples/hello'), src, { recursive: true })
    const r = await runCli(['build', src, '--out', join(tmp, 'hello.tar')], { env: { ...process.env, CI: 'true' } })
    expect(r.code, r.stderr).toBe(0)
    const start = r.stderr.indexOf('  hello linux/amd64: go-build ...\n')
    const end = r.stderr.search(/ {2}hello linux\/amd64: go-build \(\d+ ms\)/)
    expect(start).toBeGreaterThanOrEqual(0)
    expect(end).toBeGreaterThan(start)
    expect(r.stderr).toMatch(/^ {2}hello: done, /m)
    expect(r.stderr).not.toContain('\x1b')
  })
})
