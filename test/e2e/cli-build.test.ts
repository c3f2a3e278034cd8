// `gostatic build` as a user runs it: a workspace config, parallel services,
// JSON output, and Ctrl-C in the middle of a build.
import { afterAll, describe, expect, it } from 'vitest'
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { missing } from '../support/tools.js'
import { runCli } from '../support/cli.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-cli-build-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const run = runCli

// examples/monorepo packs its api service with UPX.
describe.skipIf(missing('go', 'upx'))('gostatic build: examples/monorepo', () => {
  it('builds every service of a workspace config with --all and reports each in JSON', async () => {
    const out = join(tmp, 'mono')
    const r = await run(['build', 'examples/monorepo', '--all', '--engine', 'local', '--platform', 'linux/amd64', '--out', out, '--json', '--concurrency', '2'])
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout) as { service: string; ok: boolean; archive: { path: string } }[]
    expect(report.map((o) => [o.service, o.ok])).toEqual([['api', true], ['worker', true], ['migrate', true]])
    expect(readdirSync(out).sort()).toEqual(['api.tar', 'migrate.tar', 'worker.tar'])
  })
})

describe.skipIf(missing('go'))('gostatic build', () => {

  it('stops cleanly on Ctrl-C: exit status non-zero, no output archive, no temp folders left', async () => {
    const src = join(tmp, 'slow')
    cpSync(resolve('examples/hello'), src, { recursive: true })
    // A cold build cache makes go build take long enough to interrupt.
    const env = { ...process.env, GOCACHE: mkdtempSync(join(tmp, 'gocache-')), TMPDIR: mkdtempSync(join(tmp, 'tmpdir-')) }
    const out = join(tmp, 'interrupted', 'hello.tar')
    const r = await run(['build', src, '--engine', 'local', '--out', out], {
      env,
      onSpawn: (p) => {
        p.stderr!.on('data', (d: Buffer) => {
          if (d.toString().includes('modules downloaded once')) setTimeout(() => p.kill('SIGINT'), 1500)
        })
      },
    })
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('CANCELLED')
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(env.TMPDIR!)).toEqual([])
  })

  it('exits 1 and names the failing service when one of several fails', async () => {
    const cfgDir = join(tmp, 'cfg')
    cpSync(resolve('examples/hello'), join(cfgDir, 'good'), { recursive: true })
    cpSync(resolve('examples/hello'), join(cfgDir, 'bad'), { recursive: true })
    writeFileSync(join(cfgDir, 'bad', 'main.go'), 'package main\n\nfunc main() { nope() }\n')
    writeFileSync(
      join(cfgDir, 'gostatic.config.ts'),
      `import { defineConfig, goService } from ${JSON.stringify(resolve('src/index.ts'))}\nexport default defineConfig({ services: [goService({ name: 'good', source: 'good' }), goService({ name: 'bad', source: 'bad' })] })\n`,
    )
    const r = await run(['build', cfgDir, '--engine', 'local', '--out', join(tmp, 'cfg-out')])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/good\s+linux\/amd64/)
    expect(r.stdout).toMatch(/bad\s+-.*FAILED: GO_BUILD_FAILED/)
    expect(r.stderr).toContain('bad: error [GO_BUILD_FAILED]')
    expect(r.stderr).toContain('main.go:3:15: undefined: nope')
  })
})
