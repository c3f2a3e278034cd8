// A damaged cache costs a rebuild and an event, never a wrong image. A real Go
// program is built once into a cache; then each kind of cache entry (go
// build's kept output, the layers, the strip and UPX results) is damaged,
// truncated or swapped with another entry of its kind, in a fresh copy of
// that cache, and the rebuild must give the clean build's image digest and a
// cache-damaged event naming the entry.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goService, type EngineEvent } from '../../src/index.js'
import { missing } from '../support/tools.js'

const skip = missing('go', 'strip', 'upx')
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-e2e-cache-damage-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const src = join(tmp, 'src')
const clean = join(tmp, 'clean-cache')
let cleanDigest = ''

// Two variants, so that go-out holds two entries to swap.
const svc = (variant: string) =>
  goService({ name: 'cachedmg', source: src }).ldflags({ X: { 'main.variant': variant } }).strip().upx().runtime('static')

async function build(cacheDir: string, variant = 'a'): Promise<{ digest: string; events: EngineEvent[] }> {
  const events: EngineEvent[] = []
  const r = await svc(variant).build({ engine: 'local', cacheDir, onEvent: (e) => events.push(e) })
  const out = await r.exportTarball(join(mkdtempSync(join(tmp, 'out-')), 'image.tar'))
  return { digest: out.indexDigest, events }
}

const damaged = (events: readonly EngineEvent[]) =>
  events.flatMap((e) => (e.kind === 'cache-damaged' ? [{ entry: e.entry, reason: e.reason }] : []))

/** A fresh copy of the warm cache, to damage. */
function copyOfCache(): string {
  const dir = mkdtempSync(join(tmp, 'cache-'))
  cpSync(clean, dir, { recursive: true })
  return dir
}

const files = (dir: string, pred: (name: string) => boolean = () => true): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && pred(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort()

function flipByte(path: string): void {
  const b = readFileSync(path)
  const at = Math.floor(b.length * 0.75)
  b[at] = b[at]! ^ 0xff
  writeFileSync(path, b)
}

function truncate(path: string): void {
  writeFileSync(path, readFileSync(path).subarray(0, Math.floor(readFileSync(path).length / 2)))
}

/** Each file takes the next one's place (every entry of the kind is swapped). */
function rotate(paths: readonly string[]): void {
  expect(paths.length).toBeGreaterThanOrEqual(2)
  renameSync(paths[0]!, `${paths[0]!}.swap`)
  for (let i = 1; i < paths.length; i++) renameSync(paths[i]!, paths[i - 1]!)
  renameSync(`${paths[0]!}.swap`, paths[paths.length - 1]!)
}

/** go-out/<slot>/cachedmg and its record, for each slot. */
const goOutputs = (cache: string) => files(join(cache, 'go-out'), (n) => n === 'cachedmg')
const layerRecords = (cache: string) => files(join(cache, 'layers'))
const stepFiles = (cache: string, ext: string) => files(join(cache, 'steps'), (n) => n.endsWith(ext))

describe.skipIf(skip)('a damaged cache entry is discarded and rebuilt', () => {
  beforeAll(async () => {
    mkdirSync(src)
    writeFileSync(join(src, 'go.mod'), 'module example.com/cachedmg\n\ngo 1.22\n')
    writeFileSync(join(src, 'main.go'), 'package main\n\nimport "fmt"\n\nvar variant = "?"\n\nfunc main() { fmt.Println("ok", variant) }\n')
    const first = await build(clean)
    await build(clean, 'b') // a second go-out slot and step entries, for the swaps
    const warm = await build(clean)
    expect(warm.digest).toBe(first.digest)
    expect(damaged(warm.events)).toEqual([])
    cleanDigest = first.digest
    expect(goOutputs(clean)).toHaveLength(2)
    expect(stepFiles(clean, '.json').length).toBeGreaterThanOrEqual(4) // strip and upx, two variants
  }, 600_000)

  // Every entry of the kind is damaged: the build of variant a uses some of them, variant b's the rest.
  const cases: [string, (cache: string) => string][] = [
    ['go build output, a byte flipped past its build ID', (c) => (goOutputs(c).forEach(flipByte), 'go-out')],
    ['go build output, truncated', (c) => (goOutputs(c).forEach(truncate), 'go-out')],
    ['go build output, swapped with another slot', (c) => (rotate(goOutputs(c)), 'go-out')],
    ['go build output, its record torn', (c) => (goOutputs(c).forEach((o) => truncate(`${o}.sha256.json`)), 'go-out')],
    ['a layer blob, a byte flipped', (c) => (files(join(c, 'blobs')).forEach(flipByte), 'layers')],
    ['a layer record, truncated', (c) => (layerRecords(c).forEach(truncate), 'layers')],
    ['layer records, swapped', (c) => (rotate(layerRecords(c)), 'layers')],
    ['a strip or UPX output, a byte flipped', (c) => (stepFiles(c, '.bin').forEach(flipByte), 'steps')],
    ['a strip or UPX record, truncated', (c) => (stepFiles(c, '.json').forEach(truncate), 'steps')],
    [
      'strip and UPX entries, swapped',
      (c) => {
        const bases = stepFiles(c, '.json').map((j) => j.slice(0, -'.json'.length))
        rotate(bases.map((b) => `${b}.json`))
        rotate(bases.map((b) => `${b}.bin`))
        return 'steps'
      },
    ],
  ]

  it.each(cases)('%s: same image digest, and an event naming the entry', async (_name, damage) => {
    const cache = copyOfCache()
    const named = damage(cache)
    const again = await build(cache)
    expect(again.digest).toBe(cleanDigest)
    const events = damaged(again.events)
    expect(events.length).toBeGreaterThan(0)
    expect(events.some((e) => e.entry.startsWith(join(cache, named))), JSON.stringify(events)).toBe(true)
    // The rebuild left a whole entry: the next build is clean again, with no event.
    const next = await build(cache)
    expect(next.digest).toBe(cleanDigest)
    expect(damaged(next.events)).toEqual([])
  }, 300_000)
})
