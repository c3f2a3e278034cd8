// A workspace of several modules without a go.work: one module whose
// dependencies cannot be downloaded fails its own services, with the
// download error, and the other modules' services still build. 'auto'
// without a Dagger engine is decided once, as local, with the local engine's
// workspace steps (one download per module).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { goWorkspace, type ServiceBuild, type WorkspaceResult } from '../../src/index.js'
import type { EngineEvent } from '../../src/engines/events.js'
import { missing } from '../support/tools.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-ws-modules-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function writeModule(dir: string, path: string, requires = ''): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'go.mod'), `module ${path}\n\ngo 1.22\n${requires}`)
  writeFileSync(join(dir, 'main.go'), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("ok") }\n')
}

describe.skipIf(missing('go'))('goWorkspace: a module whose download fails', () => {
  const root = join(tmp, 'ws')
  const events: EngineEvent[] = []
  const done: string[] = []
  let result: WorkspaceResult
  beforeAll(async () => {
    writeModule(join(root, 'good'), 'example.com/good')
    // Nothing can serve this module: GOPROXY=off below, and .invalid never resolves.
    writeModule(join(root, 'bad'), 'example.com/bad', 'require example.invalid/nope v1.0.0\n')
    const env: NodeJS.ProcessEnv = { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=mod' }
    for (const k of ['_EXPERIMENTAL_DAGGER_RUNNER_HOST', 'DAGGER_SESSION_PORT', 'DAGGER_SESSION_TOKEN']) delete env[k]
    result = await goWorkspace({ root })
      .services(['good', 'bad'])
      .defaults((s) => s.platforms('linux/amd64'))
      .build({ engine: 'auto', env, concurrency: 2, onEvent: (e) => events.push(e), onServiceDone: (s: ServiceBuild) => done.push(s.name) })
  })

  it('fails only the services of that module, each with the download error, and builds the rest', () => {
    expect(result.ok).toBe(false)
    const [good, bad] = result.services
    expect(good).toMatchObject({ name: 'good', ok: true })
    expect(good!.ok && good!.result.report.targets[0]!.elf.isStatic).toBe(true)
    expect(bad).toMatchObject({ name: 'bad', ok: false, error: { code: 'TOOL_FAILED' } })
    const message = !bad!.ok ? bad!.error.message : ''
    expect(message).toContain(`go mod download failed in ${join(root, 'bad')}`)
    expect(message).toContain('example.invalid/nope')
    expect(done.sort()).toEqual(['bad', 'good'])
  })

  it("decides 'auto' once, as local, and downloads once per module", () => {
    const infos = events.filter((e) => e.kind === 'info').map((e) => e.kind === 'info' && `${e.service}: ${e.message}`)
    expect(infos.filter((m) => m && m.includes('engine auto:'))).toEqual(['workspace: engine auto: using local (no Dagger session or engine is configured)'])
    expect(infos).toContain(`workspace: modules downloaded once for ${join(root, 'good')}`)
    expect(events).toContainEqual({ kind: 'warning', service: 'workspace', message: `go mod download failed in ${join(root, 'bad')}: its services are not built` })
  })
})
