// `gostatic init` through the real CLI: a commented config for the module it
// runs in, one service per main package, that `gostatic plan` then loads; and
// never a second one over the first.
import { afterAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { missing } from '../support/tools.js'
import { runCli } from '../support/cli.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-cli-init-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe.skipIf(missing('go'))('gostatic init', () => {
  it('writes gostatic.config.ts at the module root with a service per main package, then refuses to overwrite it', async () => {
    const root = join(tmp, 'shop')
    for (const d of ['services/api', 'services/worker', 'internal/lib']) mkdirSync(join(root, d), { recursive: true })
    writeFileSync(join(root, 'go.mod'), 'module example.com/shop\n\ngo 1.21\n')
    for (const s of ['api', 'worker']) writeFileSync(join(root, 'services', s, 'main.go'), 'package main\n\nfunc main() {}\n')
    writeFileSync(join(root, 'internal/lib/lib.go'), 'package lib\n')

    const r = await runCli(['init'], { cwd: join(root, 'services') })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`wrote ${join(root, 'gostatic.config.ts')} (api, worker)`)
    const text = readFileSync(join(root, 'gostatic.config.ts'), 'utf8')
    expect(text).toContain("goService({ name: 'api', source: '.', main: './services/api' }),")
    expect(text).toContain("goService({ name: 'worker', source: '.', main: './services/worker' }),")
    expect(text).toMatch(/^\/\/ gostatic.config.ts for example.com\/shop/)
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([])

    // The config loads as the user's would, with gostatic installed in the module.
    mkdirSync(join(root, 'node_modules'))
    symlinkSync(resolve('.'), join(root, 'node_modules', 'gostatic'))
    const plan = await runCli(['plan', '--json'], { cwd: root })
    expect(plan.code, plan.stderr).toBe(0)
    expect((JSON.parse(plan.stdout) as { service: string }[]).map((p) => p.service)).toEqual(['api', 'worker'])

    writeFileSync(join(root, 'gostatic.config.ts'), '// mine\n' + text)
    const again = await runCli(['init'], { cwd: root })
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(`error [OUTPUT_NOT_WRITABLE]: gostatic init: ${join(root, 'gostatic.config.ts')} already exists`)
    expect(readFileSync(join(root, 'gostatic.config.ts'), 'utf8')).toBe('// mine\n' + text)
  })

  it('says so outside a Go module', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'gostatic-init-none-'))
    const r = await runCli(['init'], { cwd: bare })
    rmSync(bare, { recursive: true })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('is not in a Go module (no go.mod in it or above it)')
  })
})
