// The CLI finds its root as git and npm do, through the real CLI: a config
// or go.mod in a parent folder, and a service named for its main package.
import { afterAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { missing } from '../support/tools.js'
import { runCli } from '../support/cli.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-cli-discovery-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const MAIN = 'package main\n\nfunc main() {}\n'

/** A module with two main packages under services/ and a library folder. */
function module(dir: string): string {
  for (const d of ['services/api', 'services/worker', 'internal/lib']) mkdirSync(join(dir, d), { recursive: true })
  writeFileSync(join(dir, 'go.mod'), 'module example.com/shop\n\ngo 1.21\n')
  writeFileSync(join(dir, 'services/api/main.go'), MAIN)
  writeFileSync(join(dir, 'services/worker/main.go'), MAIN)
  writeFileSync(join(dir, 'internal/lib/lib.go'), 'package lib\n')
  return dir
}

type Plan = { service: string; source: { dir: string; main: string } }
const plans = (stdout: string): Plan[] => [JSON.parse(stdout) as Plan | Plan[]].flat()

describe.skipIf(missing('go'))('finding the module and the config', () => {
  it('names a service built from --main after the main package folder', async () => {
    const root = module(join(tmp, 'by-main'))
    const r = await runCli(['plan', '--main', './services/api', '--json'], { cwd: root })
    expect(r.code, r.stderr).toBe(0)
    expect(plans(r.stdout).map((p) => [p.service, p.source.main])).toEqual([['api', './services/api']])
  })

  it('from a package folder, builds that main package of the module found above it', async () => {
    const root = module(join(tmp, 'below'))
    const r = await runCli(['plan', '--json'], { cwd: join(root, 'services', 'worker') })
    expect(r.code, r.stderr).toBe(0)
    expect(plans(r.stdout)).toMatchObject([{ service: 'worker', source: { dir: root, main: './services/worker' } }])
  })

  it('uses the gostatic.config.ts of a parent folder', async () => {
    const root = module(join(tmp, 'configured'))
    const index = JSON.stringify(resolve('src/index.ts'))
    writeFileSync(
      join(root, 'gostatic.config.ts'),
      `import { defineConfig, goService } from ${index}\nexport default defineConfig({ services: [` +
        "goService({ name: 'shop-api', source: '.', main: './services/api' })] })\n",
    )
    const r = await runCli(['plan', '--json'], { cwd: join(root, 'internal', 'lib') })
    expect(r.code, r.stderr).toBe(0)
    expect(plans(r.stdout).map((p) => p.service)).toEqual(['shop-api'])
  })

  it('says where it looked when no folder up to the root has either', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'gostatic-no-module-'))
    const r = await runCli(['plan'], { cwd: bare })
    rmSync(bare, { recursive: true })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('has neither go.mod nor gostatic.config.ts, nor has any folder above it')
  })
})
