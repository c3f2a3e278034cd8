// The Dagger engine walks the plan: one step-start and one step-done per
// plan step, in plan order, with the time the step took; and its failures
// come out as gostatic errors a user can act on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { goService, type BuildResult, type GoService } from '../../src/index.js'
import type { EngineEvent } from '../../src/engines/events.js'
import type { Step } from '../../src/plan/build-plan.js'
import { ToolError } from '../../src/errors.js'
import { builderImage, missingDagger } from '../support/dagger.js'
import { imageFiles } from '../support/image-files.js'

const skip = missingDagger()
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-dagger-steps-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

// A per-run -X keeps the engine from answering go build from its cache, so go-build does real work.
const RUN = `${process.pid}-${Date.now()}`
const src = join(tmp, 'hello')
beforeAll(() => cpSync(resolve('examples/hello'), src, { recursive: true }))
const hello = (): GoService =>
  goService({ name: 'hello', source: src }).builderImage(builderImage()).ldflags({ X: { 'main.version': RUN } })

type StepEvent = Extract<EngineEvent, { kind: 'step-start' | 'step-done' }>
const stepEvents = (events: EngineEvent[]) =>
  events.filter((e): e is StepEvent => e.kind === 'step-start' || e.kind === 'step-done')
/** 'strip linux/amd64' for a plan step or its event. */
const key = (s: Step | StepEvent) => ('step' in s ? s.step : s.kind) + ('platform' in s && s.platform ? ` ${s.platform}` : '')
const failure = (p: Promise<unknown>) => p.then(() => undefined, (x: unknown) => x)

async function build(svc: GoService): Promise<{ result: BuildResult; events: EngineEvent[] }> {
  const events: EngineEvent[] = []
  const result = await svc.build({ engine: 'dagger', onEvent: (e) => events.push(e) })
  return { result, events }
}

describe.skipIf(skip)('dagger engine: step events', () => {
  let r: { result: BuildResult; events: EngineEvent[] }
  beforeAll(async () => {
    const svc = hello().platforms('linux/amd64', 'linux/arm64').strip().upx().runtime('static')
    r = await build(svc.timezones(['Europe/Berlin']))
  })

  it('starts and finishes each plan step once, in plan order, each done before the next starts', () => {
    const steps = r.result.plan.steps
    const kinds = ['mod-download', 'go-build', 'strip', 'check-needs', 'upx', 'verify-static', 'assemble-runtime']
    expect(steps.map((s) => s.kind)).toEqual(expect.arrayContaining(kinds))
    const seen = stepEvents(r.events).map((e) => `${e.kind === 'step-start' ? 'start' : 'done'} ${key(e)}`)
    expect(seen).toEqual(steps.flatMap((s) => [`start ${key(s)}`, `done ${key(s)}`]))
  })

  it('times every step, and go build takes real time', () => {
    const done = stepEvents(r.events).filter((e) => e.kind === 'step-done')
    for (const e of done) expect(e.ms, key(e)).toBeGreaterThanOrEqual(0)
    const builds = done.filter((e) => e.step === 'go-build')
    expect(builds.map((e) => [e.platform, e.ms > 0])).toEqual([['linux/amd64', true], ['linux/arm64', true]])
    expect(builds.map((e) => e.detail)).toEqual([expect.stringMatching(/^\d+ bytes$/), expect.stringMatching(/^\d+ bytes$/)])
  })

  it('verify-static checks each exported binary and says what it found', () => {
    const verified = stepEvents(r.events).filter((e) => e.kind === 'step-done' && e.step === 'verify-static')
    expect(verified.map((e) => [e.platform, e.kind === 'step-done' && e.detail])).toEqual([
      ['linux/amd64', expect.stringMatching(/^static x86_64, go1\.\d+/)],
      ['linux/arm64', expect.stringMatching(/^static aarch64, go1\.\d+/)],
    ])
    // UPX is refused for arm64 by the plan's platform rule, so only amd64 has an upx step.
    expect(r.result.report.targets.map((t) => [t.elf.isStatic, t.upx])).toEqual([[true, 'packed'], [true, 'refused']])
  })

  it("puts the zone files from the builder's Go in the image", async () => {
    const files = await imageFiles((await r.result.exportTarball(join(tmp, 'steps.tar'))).path)
    expect(files.get('/usr/share/zoneinfo/Europe/Berlin')).toMatchObject({ type: 'file', mode: '644' })
  })
})

describe.skipIf(skip)('dagger engine: a plan without a module download', () => {
  it('reports no mod-download at all, and still finds the zone files', async () => {
    const { result, events } = await build(hello().downloadModules(false).timezones(['Asia/Tokyo']))
    expect(result.plan.steps.map((s) => s.kind)).not.toContain('mod-download')
    expect(stepEvents(events).filter((e) => e.kind === 'step-done').map(key)).toEqual(result.plan.steps.map(key))
    const files = await imageFiles((await result.exportTarball(join(tmp, 'no-download.tar'))).path)
    expect(files.get('/usr/share/zoneinfo/Asia/Tokyo')).toMatchObject({ type: 'file' })
  })
})

describe.skipIf(skip)('dagger engine: failures', () => {
  it('fails with GO_BUILD_FAILED carrying the command, exit code and compiler output', async () => {
    const dir = join(tmp, 'broken')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'go.mod'), 'module example.com/broken\n\ngo 1.22\n')
    writeFileSync(join(dir, 'main.go'), `package main\n\n// ${RUN}\nfunc main() { nosuch() }\n`)
    const events: EngineEvent[] = []
    const svc = goService({ name: 'broken', source: dir }).builderImage(builderImage())
    const e = await failure(svc.build({ engine: 'dagger', onEvent: (x) => events.push(x) }))
    expect(e).toBeInstanceOf(ToolError)
    expect(e).toMatchObject({
      code: 'GO_BUILD_FAILED',
      exitCode: 1,
      stderr: expect.stringContaining('undefined: nosuch'),
      message: expect.stringMatching(/^go build failed for broken \(linux\/amd64\) in the Dagger builder:\n.*undefined: nosuch/s),
    })
    const t = e as ToolError
    expect(t.cmd.slice(0, 2)).toEqual(['go', 'build'])
    expect(t.cmd.slice(-3)).toEqual(['-o', expect.stringMatching(/^\/out\/.*broken$/), '.'])
    // The failed step started and never finished.
    const last = stepEvents(events).slice(-1)
    expect(last).toEqual([{ kind: 'step-start', service: 'broken', step: 'go-build', platform: 'linux/amd64' }])
  })

  it('fails with ENGINE_FAILED, naming the image, when the builder image does not exist', async () => {
    const ref = `${process.env['GOSTATIC_REGISTRY'] ?? '127.0.0.1:5000'}/gostatic/no-such-builder-${RUN}:1`
    const e = await failure(goService({ name: 'hello', source: src }).builderImage(ref).build({ engine: 'dagger' }))
    expect(e).toMatchObject({
      code: 'ENGINE_FAILED',
      message: expect.stringMatching(/^the Dagger engine failed building hello: .*no-such-builder/),
    })
  })
})
