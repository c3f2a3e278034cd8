// One Dagger engine shared by many clients across the network: the second
// engine .ci/run starts (scripts/dagger-engine.sh --tcp up) listens on
// tcp://10.203.25.2:1234 in a network namespace reached only through a veth
// pair, so every call below crosses a real network hop. Two clients (two
// processes, two Dagger sessions, as two CI jobs) build examples/monorepo's
// platform services on it (see MONOREPO_SERVICES for tools/migrate). The
// later one starts while the first is still running, once the first has
// compiled, and its go build must be a hit on the cache volume the first
// filled: Go writes build-cache entries for what it compiles and one record
// per link, so since the later client started the volume may have gained the
// records of its two links and nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { runTool } from '../../src/util/run-tool.js'
import { withDaggerSession } from '../../src/engines/dagger/dagger-session.js'
import { builderImage, daggerTcpHost, missingDaggerTcp } from '../support/dagger.js'
import { exec } from '../support/runtime.js'
import { MONOREPO_SERVICES, monorepo } from '../support/dagger-ws-client.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-dagger-tcp-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

type Line = { t: number; kind: string; service?: string; step?: string; ms?: number; [k: string]: unknown }
type Outcome = { services: { name: string; ok: boolean; engine?: string; message?: string }[]; bins: Record<string, string> }
interface Client {
  lines: Line[]
  spawnedAt: number
  /** Resolves when the process ends, with its exit code, stderr and when it ended. */
  done: Promise<{ code: number | null; stderr: string; endedAt: number }>
  outcome(): Outcome
}

function startClient(root: string, key: string, version: string, concurrency?: number): Client {
  const env = { ...process.env, _EXPERIMENTAL_DAGGER_RUNNER_HOST: daggerTcpHost()! }
  const args = [resolve('test/support/dagger-ws-client.ts'), root, builderImage(), key, version, ...(concurrency ? [String(concurrency)] : [])]
  const spawnedAt = Date.now()
  const p = spawn(resolve('node_modules/.bin/tsx'), args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: Line[] = []
  let buf = ''
  let stderr = ''
  p.stdout.on('data', (d: Buffer) => {
    buf += d.toString()
    for (let i = buf.indexOf('\n'); i !== -1; i = buf.indexOf('\n')) {
      lines.push(JSON.parse(buf.slice(0, i)) as Line)
      buf = buf.slice(i + 1)
    }
  })
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const done = new Promise<{ code: number | null; stderr: string; endedAt: number }>((res, rej) => {
    p.on('error', rej)
    p.on('close', (code) => res({ code, stderr, endedAt: Date.now() }))
  })
  const outcome = () => lines.find((l) => l.kind === 'outcome') as unknown as Outcome
  return { lines, spawnedAt, done, outcome }
}

const goBuildsDone = (c: Client) => c.lines.filter((l) => l.kind === 'step-done' && l.step === 'go-build')

/** The most services in flight at once, each from its first to its last engine event. */
function maxInFlight(c: Client): number {
  const spans = new Map<string, [number, number]>()
  for (const l of c.lines) {
    if (!l.service || l.service === 'workspace' || (l.kind !== 'step-start' && l.kind !== 'step-done')) continue
    const s = spans.get(l.service)
    spans.set(l.service, s ? [s[0], l.t] : [l.t, l.t])
  }
  const edges = [...spans.values()].flatMap(([a, b]) => [[a, 1] as const, [b, -1] as const])
  edges.sort((x, y) => x[0] - y[0] || x[1] - y[1])
  let now = 0
  let most = 0
  for (const [, d] of edges) most = Math.max(most, (now += d))
  return most
}

describe.skipIf(missingDaggerTcp())('a Dagger engine shared over TCP (GOSTATIC_DAGGER_TCP)', () => {
  // One set of cache volumes for every run: the standard library and uuid compile once per engine, not per run.
  const key = 'gostatic-tcp-test'
  let root: string
  let first: Client
  let later: Client
  let ended: { first: { code: number | null; stderr: string; endedAt: number }; later: { code: number | null; stderr: string; endedAt: number } }
  let cache: { mtimeMs: number; path: string }[]

  beforeAll(async () => {
    root = join(tmp, 'monorepo')
    cpSync(resolve('examples/monorepo'), root, { recursive: true, filter: (src) => !src.includes('gostatic-out') })
    // A shared package that no run has compiled before: the first client must compile it and both services.
    appendFileSync(join(root, 'platform/pkg/buildinfo/buildinfo.go'), `\n// Run names this test run.\nconst Run = "${process.pid}-${Date.now()}"\n`)
    const vendor = await runTool('go', ['mod', 'vendor'], { cwd: join(root, 'platform'), env: { ...process.env, GOWORK: 'off' } })
    expect(vendor.exitCode, vendor.stderr).toBe(0)

    first = startClient(root, key, 'first', 1)
    // The later client starts once the first has compiled every service, while it still strips, checks and assembles.
    const firstEnd = first.done.then((r) => r)
    while (goBuildsDone(first).length < MONOREPO_SERVICES.length) {
      const over = await Promise.race([firstEnd.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 100))])
      if (over) break
    }
    later = startClient(root, key, 'later')
    ended = { first: await first.done, later: await later.done }

    // What the shared Go build cache volume holds now, read by a session of the test's own over the same hop.
    process.env['_EXPERIMENTAL_DAGGER_RUNNER_HOST'] = daggerTcpHost()!
    const goVersion = monorepo(root, builderImage(), 'x').resolve().services[0]!.plan().go.version ?? 'default'
    const listing = await withDaggerSession('cache probe', (dag) =>
      dag
        .container()
        .from(builderImage())
        .withMountedCache('/gocache', dag.cacheVolume(`${key}-gobuild-${goVersion}`))
        .withEnvVariable('GOSTATIC_PROBE', String(Date.now())) // never an answer from the engine's cache
        .withExec(['find', '/gocache', '-type', 'f', '-printf', '%T@ %P\\n'])
        .stdout(),
    )
    cache = listing
      .split('\n')
      .filter(Boolean)
      .map((l) => ({ mtimeMs: Number(l.slice(0, l.indexOf(' '))) * 1000, path: l.slice(l.indexOf(' ') + 1) }))
  })

  it('builds the example monorepo through the engine, over the veth hop, with at most --concurrency services at once', async () => {
    expect(daggerTcpHost()).toMatch(/^tcp:\/\/10\.203\.25\.2:\d+$/)
    expect(ended.first.code, ended.first.stderr).toBe(0)
    expect(first.outcome().services.map((s) => [s.name, s.ok, s.engine ?? s.message])).toEqual([
      ['api', true, 'dagger'],
      ['worker', true, 'dagger'],
    ])
    for (const name of ['api', 'worker']) {
      const r = await exec(first.outcome().bins[name]!, ['--version'])
      expect(r.stdout.trim()).toBe(`${name} first`)
    }
    // Concurrency 1: one service at a time in the one session.
    expect(maxInFlight(first)).toBe(1)
  })

  it("serves a second client at the same time, whose go build is a hit on the first client's cache volume", async () => {
    expect(goBuildsDone(first).map((l) => l.service).sort()).toEqual(['api', 'worker'])
    // Both at once: the later client started before the first one ended.
    expect(later.spawnedAt).toBeLessThan(ended.first.endedAt)
    expect(ended.later.code, ended.later.stderr).toBe(0)
    expect(later.outcome().services.map((s) => [s.name, s.ok, s.engine ?? s.message])).toEqual([
      ['api', true, 'dagger'],
      ['worker', true, 'dagger'],
    ])
    // Its own go build ran (its own -X value), not a replay of the first client's.
    for (const name of ['api', 'worker']) {
      const r = await exec(later.outcome().bins[name]!, ['--version'])
      expect(r.stdout.trim()).toBe(`${name} later`)
    }
    // No concurrency given: the plan's Dagger bound (8, not the CPU count) ran both side by side in one session.
    expect(maxInFlight(later)).toBe(2)
    const timings = (c: Client) => Object.fromEntries(goBuildsDone(c).map((l) => [l.service, l.ms]))
    console.log(`go-build step ms, first client: ${JSON.stringify(timings(first))}; later client: ${JSON.stringify(timings(later))}`)
    // The signal, from Go's cache layout: each compile writes its package's action entry (<id>-a) and stdout
    // record, and its output (<id>-d) when that is new; a link writes one record, its text output, under the
    // main package's action id (cmd/go updateBuildID). A hit writes nothing (it touches only entries older than
    // an hour). The first client compiled buildinfo (changed for this run) and the two main packages ...
    const byFirst = cache.filter((e) => e.mtimeMs >= first.spawnedAt)
    expect(byFirst.filter((e) => e.path.endsWith('-d')).length).toBeGreaterThanOrEqual(3)
    expect(byFirst.filter((e) => e.path.endsWith('-a')).length).toBeGreaterThanOrEqual(3 * 2 + 2)
    // ... and since the later client started, the volume got its two links' records, and far less than the
    // first client's compiles wrote: a miss would compile buildinfo and both mains again, as many entries. (Not an
    // exact count: Go also touches an entry older than an hour when it reuses it, which moves its mtime.)
    const byLater = cache.filter((e) => e.mtimeMs >= later.spawnedAt).map((e) => e.path)
    const onlyFirst = byFirst.length - byLater.length
    expect(byLater.filter((p) => /^[0-9a-f]{2}\/[0-9a-f]{64}-a$/.test(p)).length).toBeGreaterThanOrEqual(
      MONOREPO_SERVICES.length,
    )
    expect(byLater.length, JSON.stringify(byLater)).toBeLessThan(onlyFirst)
  })
})
