// Builds check every runtime need against the image they make. For each need
// a small real Go program is built on scratch, on a bare image base that
// lacks the file, and on the default static base; each image runs in a real
// container. Where gostatic only warns, the container fails the way the
// warning says; under needs({ strict: true }) the build fails instead; the
// static default meets the need and the container succeeds.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goService, type BuildResult, type EngineEvent, type NeedVerdict } from '../../src/index.js'
import { docker, dockerLoad, missingDocker, missingRegistry, runContainer } from '../support/runtime.js'
import { missing } from '../support/tools.js'
import { errorOf } from '../support/errors.js'
import { NEED_PROBES, PROBE_HOST, pushBareBase, writeModule, type NeedProbe } from './needs-fixtures.js'

const skip = missing('go', 'skopeo') || missingDocker() || (await missingRegistry())
let dir: string
let bare: string
const images: string[] = []

beforeAll(async () => {
  if (skip) return
  dir = await mkdtemp(join(tmpdir(), 'gostatic-needs-build-'))
  bare = await pushBareBase(dir)
})
afterAll(async () => {
  if (images.length) await docker(['rmi', '-f', ...images])
  if (dir) await rm(dir, { recursive: true, force: true })
})

interface Built {
  readonly result: BuildResult
  readonly verdict: NeedVerdict
  readonly events: EngineEvent[]
  readonly image: string
}

async function build(p: NeedProbe, runtime: string): Promise<Built> {
  const source = await writeModule(dir, `probe-${p.need}`, p.src)
  const events: EngineEvent[] = []
  const svc = goService({ name: `needs-${p.need}`, source }).runtime(runtime)
  const result = await svc.build({ engine: 'local', onEvent: (e) => events.push(e) })
  const needs = result.report.targets[0]!.needs
  if (needs.status !== 'checked') throw new Error(`needs not checked: ${JSON.stringify(needs)}`)
  const verdict = needs.verdicts.find((v) => v.id === p.need)
  if (verdict === undefined) throw new Error(`no ${p.need} verdict in ${JSON.stringify(needs.verdicts)}`)
  const tag = `gostatic.local/needs-${p.need}-${runtime.replace(/[^a-z0-9]+/g, '-')}:${process.pid}`
  const tar = await result.exportTarball(join(dir, `${p.need}-${images.length}.tar`), { tag })
  const image = await dockerLoad(tar.path)
  images.push(image)
  return { result, verdict, events, image }
}

const run = (image: string) => runContainer(image, { addHosts: PROBE_HOST })
const warningsFor = (b: Built, need: string) => b.result.report.warnings.filter((w) => w.includes(`: ${need} (`))

describe.skipIf(skip).each(NEED_PROBES.map((p) => [p.need, p] as const))('runtime need %s', (need, p) => {
  const failsAsWarned = 'a warning, and the program fails as it says'
  it(`scratch: ${p.scratchHasIt ? 'gostatic writes the file and the program works' : failsAsWarned}`, async () => {
    const b = await build(p, 'scratch')
    const r = await run(b.image)
    if (p.scratchHasIt) {
      expect(b.verdict.status).toBe('met')
      expect(warningsFor(b, need)).toEqual([])
      expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: '' })
      expect(r.stdout).toMatch(p.ok)
      return
    }
    expect(b.verdict.status).toBe('unmet')
    const [warning, ...more] = warningsFor(b, need)
    expect(more).toEqual([])
    // The warning names the need, the evidence and the fix.
    const { evidence, detail } = b.verdict
    expect(warning).toContain(`needs-${need} (linux/amd64): ${need} (${evidence.join(', ')}): ${detail}`)
    expect(warning).toContain(`Fix: ${b.verdict.fix}`)
    expect(b.result.images[0]!.annotations['dev.gostatic.needs']).toContain(`${need}=unmet`)
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain(p.failure)
  })

  it(`an image base without the file: ${p.failure === null ? 'a note, and lookups still work' : failsAsWarned}`, async () => {
    const b = await build(p, bare)
    expect(b.verdict.status).toBe('unmet')
    const r = await run(b.image)
    if (p.failure === null) {
      // An info need is a note (an info event), never a warning: Go falls back to /etc/hosts, then DNS.
      expect(warningsFor(b, need)).toEqual([])
      expect(b.events.some((e) => e.kind === 'info' && e.message.includes(`: ${need} (`))).toBe(true)
      expect(r.exitCode).toBe(0)
      expect(r.stdout).toMatch(p.ok)
      return
    }
    expect(warningsFor(b, need)).toHaveLength(1)
    expect(warningsFor(b, need)[0]).toContain(`Fix: ${b.verdict.fix}`)
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain(p.failure)
  })

  const strict = p.failure === null ? 'a note is never among the errors' : 'the build fails naming the need'
  it(`an image base without the file, with needs({ strict: true }): ${strict}`, async () => {
    const source = await writeModule(dir, `probe-${p.need}`, p.src)
    const svc = goService({ name: `needs-${need}`, source }).runtime(bare).needs({ strict: true })
    const err = await errorOf(svc.build({ engine: 'local' }))
    expect(err.code).toBe('NEEDS_UNMET')
    expect(err.message).toContain(`needs-${need} (linux/amd64): the image does not meet`)
    // The name-resolution probe (net.LookupHost) also links /etc/services parsing, which fails it here.
    if (p.failure === null) expect(err.message).not.toMatch(new RegExp(`- ${need} \\(`))
    else expect(err.message).toMatch(new RegExp(`- ${need} \\(`))
  })

  it('static (the default): gostatic meets the need and the program works', async () => {
    const b = await build(p, 'static')
    expect(['met', 'added']).toContain(b.verdict.status)
    expect(b.result.report.warnings).toEqual([])
    expect(b.result.images[0]!.annotations['dev.gostatic.needs']).toContain(`${need}=${b.verdict.status}`)
    const r = await run(b.image)
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: '' })
    expect(r.stdout).toMatch(p.ok)
  })
})
