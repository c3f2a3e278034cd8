// A warm workspace build with nothing changed runs no compile and no link:
// each service whose inputs (its go list -deps closure, module files, plan)
// are unchanged reuses the output its last build verified. A `go` on PATH
// that logs its arguments before running the real one shows which go
// commands ran. A change in one service's main package rebuilds that one
// only; a damaged reused output is discarded and rebuilt, to the same image.
import { afterAll, describe, expect, it } from 'vitest'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { goWorkspace, type EngineEvent } from '../../src/index.js'
import { missing } from '../support/tools.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-ws-skip-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const root = join(tmp, 'ws')
const cache = join(tmp, 'cache')
const shim = join(tmp, 'shim')
const goLog = join(tmp, 'go.log')
const write = (rel: string, text: string) => {
  mkdirSync(dirname(join(root, rel)), { recursive: true })
  writeFileSync(join(root, rel), text)
}
const main = (name: string, extra = '') =>
  `package main\n\nimport (\n\t"fmt"\n\t"example.com/skip/shared"\n)\n\n` +
  `func main() { fmt.Println("${name}", shared.Word${extra}) }\n`
const SERVICES = ['a', 'b', 'c']

type Built = {
  digests: Record<string, string>
  goBuilds: string[]
  goBuildSteps: Record<string, string>
  events: EngineEvent[]
}

async function build(): Promise<Built> {
  writeFileSync(goLog, '')
  const events: EngineEvent[] = []
  const env = {
    ...process.env,
    PATH: `${shim}:${process.env['PATH']}`,
    GOCACHE: join(tmp, 'gocache'),
    GOFLAGS: '-modcacherw',
  }
  const onEvent = (e: EngineEvent) => void events.push(e)
  const r = await goWorkspace({ root })
    .services(SERVICES.map((s) => `cmd/${s}`))
    .build({ engine: 'local', env, cacheDir: cache, concurrency: 2, reporter: 'silent', onEvent })
  expect(r.services.map((s) => (s.ok ? 'ok' : s.error.message))).toEqual(SERVICES.map(() => 'ok'))
  const out = await r.exportAll(join(tmp, 'dist'))
  const digests = Object.fromEntries([...out].map(([name, a]) => [name, a.indexDigest]))
  // Only compiling and linking commands: go env and go list (which hash the inputs) read, they do not build.
  const goBuilds = readFileSync(goLog, 'utf8')
    .split('\n')
    .filter((l) => /^(build|install|test|tool (compile|link))\b/.test(l))
  const goBuildSteps = Object.fromEntries(
    events.flatMap((e) => (e.kind === 'step-done' && e.step === 'go-build' ? [[e.service, e.detail ?? '']] : [])),
  )
  return { digests, goBuilds, goBuildSteps, events }
}

describe.skipIf(missing('go'))('workspace warm skip', () => {
  it('runs no go build when nothing changed, and rebuilds only the changed or damaged service', async () => {
    const realGo = execFileSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).trim()
    mkdirSync(shim, { recursive: true })
    writeFileSync(join(shim, 'go'), `#!/bin/sh\necho "$*" >> ${goLog}\nexec ${realGo} "$@"\n`)
    chmodSync(join(shim, 'go'), 0o755)
    write('go.mod', 'module example.com/skip\n\ngo 1.22\n')
    write('shared/shared.go', 'package shared\n\nconst Word = "word"\n')
    for (const s of SERVICES) write(`cmd/${s}/main.go`, main(s))

    const cold = await build()
    // The shim sees the real builds: the check below can fail.
    expect(cold.goBuilds.length).toBeGreaterThanOrEqual(SERVICES.length)
    for (const s of SERVICES) expect(cold.goBuildSteps[s]).toMatch(/bytes$/)

    const warm = await build()
    expect(warm.goBuilds).toEqual([])
    for (const s of SERVICES) expect(warm.goBuildSteps[s]).toMatch(/^go not run: inputs unchanged/)
    expect(warm.digests).toEqual(cold.digests)
    const info = warm.events.flatMap((e) => (e.kind === 'info' ? [e.message] : []))
    expect(info.some((m) => m.includes('inputs unchanged since compiled'))).toBe(true)

    write('cmd/b/main.go', main('b', ', "changed"'))
    const one = await build()
    expect(one.goBuilds.filter((l) => l.startsWith('build') && l.includes('-o '))).toHaveLength(1)
    expect(one.goBuildSteps['b']).toMatch(/bytes$/)
    expect(one.goBuildSteps['a']).toMatch(/^go not run/)
    expect(one.goBuildSteps['c']).toMatch(/^go not run/)
    expect(one.digests['b']).not.toEqual(cold.digests['b'])
    expect({ a: one.digests['a'], c: one.digests['c'] }).toEqual({ a: cold.digests['a'], c: cold.digests['c'] })

    // A byte flipped past the build ID of a's kept output: discarded, rebuilt, the same image.
    const outputs = readdirSync(join(cache, 'go-out'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('/a'))
      .map((f) => join(cache, 'go-out', f))
    expect(outputs).toHaveLength(1)
    const bytes = readFileSync(outputs[0]!)
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 100) ^ 0xff, bytes.length - 100)
    writeFileSync(outputs[0]!, bytes)
    const damaged = await build()
    expect(damaged.events.some((e) => e.kind === 'cache-damaged' && e.service === 'a')).toBe(true)
    expect(damaged.goBuildSteps['a']).toMatch(/bytes$/)
    expect(damaged.goBuildSteps['c']).toMatch(/^go not run/)
    expect(damaged.digests).toEqual(one.digests)
  }, 300_000)
})
