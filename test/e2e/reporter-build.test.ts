// build() and goWorkspace().build() report through the reporter they are
// given, every event once, beside the caller's onEvent.
import { describe, expect, it } from 'vitest'
import { resolve } from 'node:path'
import { goService } from '../../src/builder/go-service.js'
import { goWorkspace } from '../../src/workspace/go-workspace.js'
import type { EngineEvent } from '../../src/engines/events.js'
import { missing } from '../support/tools.js'

const key = (e: EngineEvent) => JSON.stringify(e)

describe.skipIf(missing('go'))('reporters on real builds', () => {
  it('a service build gives its reporter function and onEvent the same events, each once', async () => {
    const shown: EngineEvent[] = []
    const seen: EngineEvent[] = []
    const r = await goService({ name: 'hello', source: resolve('examples/hello') }).build({ engine: 'local', reporter: (e) => shown.push(e), onEvent: (e) => seen.push(e) })
    expect(r.report.targets).toHaveLength(1)
    expect(shown.map(key)).toEqual(seen.map(key))
    expect(shown.filter((e) => e.kind === 'step-done' && e.step === 'go-build')).toHaveLength(1)
  })

  it('a workspace build reports each service once through the workspace reporter, not one per service as well', async () => {
    const shown: EngineEvent[] = []
    const res = await goWorkspace({ root: resolve('examples/monorepo') })
      .services(['platform/services/worker', 'tools/migrate'])
      .build({ engine: 'local', reporter: (e) => shown.push(e), concurrency: 2 })
    expect(res.ok).toBe(true)
    const builds = shown.filter((e) => e.kind === 'step-done' && e.step === 'go-build').map((e) => e.service).sort()
    expect(builds).toEqual(['migrate', 'worker'])
    expect(new Set(shown.map(key)).size).toBe(shown.length)
  })
})
