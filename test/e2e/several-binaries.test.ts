// Several binaries in one image (.binary()): a service with a migrate tool
// built by the local engine, stripped and UPX-packed like the main one, run in
// the real dockerd both ways (the default entrypoint and --entrypoint); each
// binary in a layer of its own, so changing one leaves the other's layer
// digest alone; the SBOMs, the provenance and inspect list both.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goService, inspect, type BuildResult } from '../../src/index.js'
import { missing } from '../support/tools.js'
import { docker, dockerLoad, missingDocker, runContainer } from '../support/runtime.js'
import { cyclonedxErrors, spdxErrors } from '../support/sbom-schemas.js'
import { twoBinaryModule } from './binaries-fixtures.js'

const skip = missing('go', 'strip', 'upx') || missingDocker()

export const shop = (source: string) =>
  goService({ name: 'shop', source })
    .binary({ main: './cmd/migrate', path: '/usr/local/bin/migrate' })
    .sbom(['spdx', 'cyclonedx'])

describe.skipIf(skip)('several binaries in one image (local engine)', () => {
  let tmp: string
  let src: string
  let result: BuildResult
  let tar: string
  let image: string
  const loaded: string[] = []
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gostatic-e2e-binaries-'))
    src = join(tmp, 'shop')
    await twoBinaryModule(src)
    result = await shop(src).strip().upx().build({ engine: 'local', cacheDir: join(tmp, 'cache'), reporter: 'silent' })
    tar = (await result.exportTarball(join(tmp, 'shop.tar'))).path
    image = await dockerLoad(tar)
    loaded.push(image)
  })
  afterAll(async () => {
    for (const i of loaded) await docker(['rmi', '-f', i])
    await rm(tmp, { recursive: true, force: true })
  })

  it('runs the main binary by default and the migrate binary by its path', async () => {
    expect(await runContainer(image, { args: ['a', 'b'] })).toMatchObject({ exitCode: 0, stdout: 'api ran 2\n' })
    const m = await runContainer(image, { entrypoint: '/usr/local/bin/migrate', args: ['up'] })
    expect(m).toMatchObject({ exitCode: 0, stdout: 'migrate ran 1\n' })
  })

  it('builds, strips, packs, checks and verifies each binary, in plan order', () => {
    const steps = result.plan.steps.filter((s) => 'platform' in s).map((s) => `${s.kind} ${s.binary ?? 'main'}`)
    const each = (b: string) => ['go-build', 'strip', 'check-needs', 'upx', 'verify-static'].map((k) => `${k} ${b}`)
    expect(steps).toEqual([...each('main'), ...each('/usr/local/bin/migrate')])
    expect(result.plan.runtime.config.entrypoint).toEqual(['/usr/local/bin/shop'])
  })

  it('puts each binary in a layer of its own: changing one leaves the other layer alone', async () => {
    const layers = result.report.targets[0]!.layers.map((l) => l.digest)
    const again = async (say: { api: string; migrate: string }) => {
      await twoBinaryModule(src, say)
      const r = await shop(src).strip().upx().build({ engine: 'local', cacheDir: join(tmp, 'cache'), reporter: 'silent' })
      return r.report.targets[0]!.layers.map((l) => l.digest)
    }
    const migrateChanged = await again({ api: 'api', migrate: 'migrate v2' })
    const apiChanged = await again({ api: 'api v2', migrate: 'migrate' })
    await twoBinaryModule(src)
    expect(migrateChanged).toHaveLength(layers.length)
    // The last layer is migrate's, the one before it the main binary's.
    expect(migrateChanged.slice(0, -1)).toEqual(layers.slice(0, -1))
    expect(migrateChanged.at(-1)).not.toBe(layers.at(-1))
    expect(apiChanged.at(-1)).toBe(layers.at(-1))
    expect(apiChanged.at(-2)).not.toBe(layers.at(-2))
  })

  it('lists both binaries in the SBOMs and the provenance', async () => {
    const docs = await result.supplyChain()
    const spdx = JSON.parse(docs.sboms.find((s) => s.format === 'spdx')!.bytes.toString())
    expect(spdxErrors(spdx)).toEqual([])
    const files = spdx.packages.filter((p: { primaryPackagePurpose: string }) => p.primaryPackagePurpose === 'APPLICATION')
    expect(files.map((p: { packageFileName: string }) => p.packageFileName).sort()).toEqual(['/usr/local/bin/migrate', '/usr/local/bin/shop'])
    const cdx = JSON.parse(docs.sboms.find((s) => s.format === 'cyclonedx')!.bytes.toString())
    expect(cyclonedxErrors(cdx)).toEqual([])
    expect(cdx.components.map((c: { name: string }) => c.name)).toContain('example.com/shop/cmd/migrate')
    const st = JSON.parse(docs.provenance.toString())
    expect(st.predicate.buildDefinition.internalParameters.targets[0].binaries).toEqual([
      { package: '.', path: '/usr/local/bin/shop' },
      { package: './cmd/migrate', path: '/usr/local/bin/migrate' },
    ])
  })

  it('inspect reads both binaries from the exported image', async () => {
    const r = await inspect(tar)
    if (r.kind !== 'image') throw new Error('expected an image report')
    const p = r.platforms[0]!
    expect(p.binary?.path).toBe('/usr/local/bin/shop')
    expect(p.binaries.map((b) => [b.path, b.problem, b.binary?.elf.static, b.binary?.elf.upx])).toEqual([
      ['/usr/local/bin/migrate', null, true, true],
    ])
  })
})
