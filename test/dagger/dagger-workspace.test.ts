// A workspace on the Dagger engine: services built in parallel share one
// Dagger session (the SDK's connection() sets and clears one global client,
// so a session per service would tear down the others' mid-build).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { goWorkspace, type WorkspaceResult } from '../../src/index.js'
import type { EngineEvent } from '../../src/engines/events.js'
import { builderImage, missingDagger } from '../support/dagger.js'
import { exec } from '../support/runtime.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-dagger-ws-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function writeModule(root: string, services: readonly string[]): void {
  mkdirSync(root, { recursive: true })
  writeFileSync(join(root, 'go.mod'), 'module example.com/pair\n\ngo 1.22\n')
  for (const s of services) {
    mkdirSync(join(root, 'cmd', s), { recursive: true })
    writeFileSync(join(root, 'cmd', s, 'main.go'), `package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(${JSON.stringify(s)}) }\n`)
  }
}

describe.skipIf(missingDagger())('goWorkspace on the Dagger engine', () => {
  const events: EngineEvent[] = []
  let result: WorkspaceResult
  beforeAll(async () => {
    const root = join(tmp, 'pair')
    writeModule(root, ['alpha', 'beta'])
    result = await goWorkspace({ root })
      .discover('cmd/*')
      // A per-run -X keeps the engine from answering from its cache, and beta
      // has more steps than alpha, so one service's session work outlives the other's.
      .defaults((s) => s.builderImage(builderImage()).platforms('linux/amd64').ldflags({ X: { 'main.run': `${process.pid}-${Date.now()}` } }))
      .service('beta', (s) => s.strip().upx().runtime('static').timezones(['Europe/Berlin']))
      .build({ engine: 'auto', concurrency: 2, onEvent: (e) => events.push(e) })
  })

  it('builds two services in parallel in one Dagger session, both verified', async () => {
    expect(result.services.map((s) => [s.name, s.ok, s.ok ? s.result.engine : s.error.message])).toEqual([
      ['alpha', true, 'dagger'],
      ['beta', true, 'dagger'],
    ])
    for (const s of result.services) {
      if (!s.ok) continue
      expect(s.result.report.targets[0]!.elf).toMatchObject({ isStatic: true, machine: 'x86_64' })
      const bin = await s.result.exportBinary(join(tmp, 'bin', s.name))
      expect((await exec(bin, [])).stdout.trim()).toBe(s.name)
      // The session ended with the workspace build: its containers are not handed out.
      expect(s.result.containers).toBeUndefined()
    }
  })

  it("decides 'auto' once for the whole workspace and says which engine it picked", () => {
    const picked = events.filter((e) => e.kind === 'info' && e.message.startsWith('engine auto:'))
    expect(picked).toEqual([{ kind: 'info', service: 'workspace', message: expect.stringMatching(/^engine auto: using dagger \(/) }])
    // The host-side module download is the local engine's; the Dagger builder downloads in its own cache.
    expect(events.filter((e) => e.kind === 'info' && /modules downloaded once|compiled .* together/.test(e.message))).toEqual([])
  })
})
