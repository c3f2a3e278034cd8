// Pulled blobs share the cache with built layers: a runtime base's manifest,
// config and layers, damaged in the cache, or its tag record torn, are found
// on the next build, pulled again and reported, and the image is the clean
// one. The registry is go-containerregistry's (test/fixtures), on loopback;
// the base is an image gostatic built and pushed to it.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goService, type EngineEvent } from '../../src/index.js'
import { startReferrersRegistry, type RunningRegistry } from '../support/referrers-registry.js'
import { missing } from '../support/tools.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-e2e-cache-pulled-'))
let registry: RunningRegistry | undefined
afterAll(async () => {
  await registry?.close()
  rmSync(tmp, { recursive: true, force: true })
})

const src = join(tmp, 'src')
const clean = join(tmp, 'clean-cache')
let baseRef = ''
let cleanDigest = ''

async function build(cacheDir: string): Promise<{ digest: string; events: EngineEvent[] }> {
  const events: EngineEvent[] = []
  const svc = goService({ name: 'onbase', source: src }).runtime(baseRef)
  const r = await svc.build({ engine: 'local', cacheDir, reporter: 'silent', onEvent: (e) => events.push(e) })
  const out = await r.exportTarball(join(mkdtempSync(join(tmp, 'out-')), 'image.tar'))
  return { digest: out.indexDigest, events }
}

const damagedEntries = (events: readonly EngineEvent[]) => events.flatMap((e) => (e.kind === 'cache-damaged' ? [e.entry] : []))

function copyOfCache(): string {
  const dir = mkdtempSync(join(tmp, 'cache-'))
  cpSync(clean, dir, { recursive: true })
  return dir
}

describe.skipIf(missing('go'))('a damaged pulled blob', () => {
  beforeAll(async () => {
    registry = await startReferrersRegistry(tmp)
    mkdirSync(src)
    writeFileSync(join(src, 'go.mod'), 'module example.com/onbase\n\ngo 1.22\n')
    writeFileSync(join(src, 'main.go'), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("ok") }\n')
    const base = await goService({ name: 'base', source: src }).runtime('static').build({ engine: 'local', cacheDir: null, reporter: 'silent' })
    baseRef = `${registry.address}/damage/base:1`
    await base.publish(baseRef)
    cleanDigest = (await build(clean)).digest
  }, 600_000)

  it('each blob of the base damaged in the cache: pulled again, reported, same image digest', async () => {
    const cache = copyOfCache()
    const blobs = join(cache, 'blobs', 'sha256')
    for (const name of readdirSync(blobs)) {
      const b = readFileSync(join(blobs, name))
      b[b.length >> 1] = b[b.length >> 1]! ^ 0xff
      writeFileSync(join(blobs, name), b)
    }
    const again = await build(cache)
    expect(again.digest).toBe(cleanDigest)
    const named = damagedEntries(again.events)
    expect(named.filter((e) => e.startsWith(blobs)).length).toBeGreaterThan(0)
    expect((await build(cache)).events.filter((e) => e.kind === 'cache-damaged')).toEqual([])
  })

  it("the tag's record torn: reported, resolved again, same image digest", async () => {
    const cache = copyOfCache()
    const tags = join(cache, 'registry', 'tags')
    const [record] = readdirSync(tags)
    writeFileSync(join(tags, record!), '{"ref": "127.0')
    const again = await build(cache)
    expect(again.digest).toBe(cleanDigest)
    expect(damagedEntries(again.events)).toContain(join(tags, record!))
  })
})
