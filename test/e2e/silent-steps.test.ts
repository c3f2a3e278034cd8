// Steps that do nothing are not printed: the local engine builds in the source
// folder, so its copy steps (plan/silent-steps.ts) leave no line in a CI log,
// while every step that works still prints when it starts and when it ends.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goService, type EngineEvent } from '../../src/index.js'
import { silentStep } from '../../src/plan/silent-steps.js'
import { runCli } from '../support/cli.js'

let tmp: string
let mod: string

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'gostatic-silent-'))
  mod = join(tmp, 'quiet')
  await mkdir(mod)
  await writeFile(join(mod, 'go.mod'), 'module example.com/quiet\n\ngo 1.22\n')
  await writeFile(join(mod, 'main.go'), 'package main\n\nfunc main() { println("hi") }\n')
})
afterAll(() => rm(tmp, { recursive: true, force: true }))

describe('steps that do nothing', () => {
  it('are the local engine copy steps only; the Dagger engine reports all it does', () => {
    expect(silentStep('local', 'copy-module-files')).toBe(true)
    expect(silentStep('local', 'copy-sources')).toBe(true)
    expect(silentStep('local', 'go-build')).toBe(false)
    expect(silentStep('dagger', 'copy-module-files')).toBe(false)
    expect(silentStep('dagger', 'copy-sources')).toBe(false)
  })

  it('leave no line in plain mode; the working steps print at start and end', async () => {
    const env = { ...process.env, CI: 'true' }
    const r = await runCli(['build', mod, '--engine', 'local', '--reporter', 'plain', '-o', join(tmp, 'q.tar')], {
      env,
    })
    expect(r.code, r.stderr).toBe(0)
    const log = `${r.stdout}\n${r.stderr}`
    expect(log).toContain('quiet linux/amd64: go-build ...')
    expect(log).toMatch(/quiet linux\/amd64: go-build \(\d+ ms\)/)
    expect(log).toMatch(/quiet: assemble-runtime \(\d+ ms\)/)
    expect(log).not.toContain('copy-module-files')
    expect(log).not.toContain('copy-sources')
    expect(log).not.toContain('building in place')
  }, 300_000)

  it('still run: a missing go.mod fails the silent copy-module-files step', async () => {
    const bare = join(tmp, 'bare')
    await mkdir(bare)
    await writeFile(join(bare, 'main.go'), 'package main\n\nfunc main() {}\n')
    const events: EngineEvent[] = []
    const build = goService({ name: 'bare', source: bare }).build({ engine: 'local', onEvent: (e) => events.push(e) })
    await expect(build).rejects.toMatchObject({
      code: 'INPUT_NOT_FOUND',
      message: expect.stringContaining('has no go.mod'),
    })
    expect(events.filter((e) => e.kind === 'step-start' || e.kind === 'step-done')).toEqual([])
  })
})
