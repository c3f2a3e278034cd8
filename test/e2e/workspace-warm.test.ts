// A warm workspace build with nothing changed does not compile the shared
// packages again (a stamp of the compile's inputs says they are unchanged),
// and a change to a shared package is compiled and shows up in the images.
import { afterAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { goWorkspace, type EngineEvent } from '../../src/index.js'
import { readOciArchive, readFileFromImage } from '../../src/oci/oci-reader.js'
import { missing } from '../support/tools.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-ws-warm-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const root = join(tmp, 'ws')
const write = (rel: string, text: string) => {
  mkdirSync(dirname(join(root, rel)), { recursive: true })
  writeFileSync(join(root, rel), text)
}
const main = (name: string) =>
  `package main\n\nimport (\n\t"fmt"\n\t"example.com/warm/shared"\n)\n\n` +
  `func main() { fmt.Println("${name}", shared.Word) }\n`

async function build(): Promise<{ messages: string[]; binary: string }> {
  const events: EngineEvent[] = []
  const env = { ...process.env, GOCACHE: join(tmp, 'gocache'), GOFLAGS: '-modcacherw' }
  const onEvent = (e: EngineEvent) => void events.push(e)
  const r = await goWorkspace({ root }).services(['cmd/a', 'cmd/b'])
    .build({ engine: 'local', env, cacheDir: join(tmp, 'cache'), concurrency: 2, reporter: 'silent', onEvent })
  expect(r.services.map((s) => (s.ok ? 'ok' : s.error.message))).toEqual(['ok', 'ok'])
  const out = await r.exportAll(join(tmp, 'dist'))
  const archive = await readOciArchive(out.get('a')!.path)
  const bin = await readFileFromImage(archive, { os: 'linux', architecture: 'amd64' }, '/usr/local/bin/a')
  const messages = events.flatMap((e) => (e.kind === 'info' && e.service === 'workspace' ? [e.message] : []))
  return { messages, binary: Buffer.from(bin!).toString('latin1') }
}

describe.skipIf(missing('go'))('warm workspace builds', () => {
  it('skips the shared compile when its inputs are unchanged, and compiles a changed shared package', async () => {
    write('go.mod', 'module example.com/warm\n\ngo 1.22\n')
    write('shared/shared.go', 'package shared\n\nconst Word = "first-word"\n')
    write('cmd/a/main.go', main('a'))
    write('cmd/b/main.go', main('b'))
    const cold = await build()
    expect(cold.messages.some((m) => /^compiled 2 services' packages together/.test(m))).toBe(true)
    expect(cold.binary).toContain('first-word')

    const warm = await build()
    expect(warm.messages.filter((m) => m.startsWith('compiled'))).toEqual([])
    expect(warm.messages.some((m) => m.includes('inputs unchanged since compiled'))).toBe(true)

    write('shared/shared.go', 'package shared\n\nconst Word = "second-word"\n')
    const changed = await build()
    expect(changed.messages.some((m) => /^compiled 2 services' packages together/.test(m))).toBe(true)
    expect(changed.binary).toContain('second-word')
    expect(changed.binary).not.toContain('first-word')
  }, 300_000)
})
