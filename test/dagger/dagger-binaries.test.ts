// Several binaries on the Dagger engine: the same plan as the local engine,
// each binary built, stripped, checked and verified in the builder, then added
// to the runtime container as a layer of its own; the exported image runs both
// in the real dockerd, and the SBOM lists both.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goService, inspect, type BuildResult } from '../../src/index.js'
import { builderImage, missingDagger } from '../support/dagger.js'
import { docker, dockerLoad, missingDocker, runContainer } from '../support/runtime.js'
import { twoBinaryModule } from '../e2e/binaries-fixtures.js'

describe.skipIf(missingDagger())('dagger engine: several binaries in one image', () => {
  let tmp: string
  let result: BuildResult
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gostatic-dagger-binaries-'))
    const src = join(tmp, 'shop')
    await twoBinaryModule(src)
    result = await goService({ name: 'shop', source: src })
      .builderImage(builderImage())
      .strip()
      .binary({ main: './cmd/migrate', path: '/usr/local/bin/migrate' })
      .build({ engine: 'dagger', reporter: 'silent' })
  })
  afterAll(() => rm(tmp, { recursive: true, force: true }))

  it('gives each binary its own layer, and inspect and the SBOM list both', async () => {
    expect(result.engine).toBe('dagger')
    const tar = (await result.exportTarball(join(tmp, 'shop.tar'))).path
    const r = await inspect(tar)
    if (r.kind !== 'image') throw new Error('expected an image report')
    const p = r.platforms[0]!
    expect(p.binary?.path).toBe('/usr/local/bin/shop')
    expect(p.binaries.map((b) => [b.path, b.problem, b.binary?.elf.static])).toEqual([['/usr/local/bin/migrate', null, true]])
    const spdx = JSON.parse((await result.supplyChain()).sboms[0]!.bytes.toString())
    const apps = spdx.packages.filter((x: { primaryPackagePurpose: string }) => x.primaryPackagePurpose === 'APPLICATION')
    expect(apps.map((x: { packageFileName: string }) => x.packageFileName).sort()).toEqual(['/usr/local/bin/migrate', '/usr/local/bin/shop'])
  })

  it('the last layer holds only the migrate binary', async () => {
    const r = await inspect(join(tmp, 'shop.tar'), { files: true })
    if (r.kind !== 'image') throw new Error('expected an image report')
    const p = r.platforms[0]!
    const last = p.layers.length - 1
    const inLast = (p.files ?? []).filter((f) => f.layer === last && f.type === 'file').map((f) => f.path)
    expect(inLast).toEqual(['usr/local/bin/migrate'])
    const main = (p.files ?? []).find((f) => f.path === 'usr/local/bin/shop')
    expect(main?.layer).toBe(last - 1)
  })

  it.skipIf(missingDocker())('runs both binaries from the exported image in dockerd', async () => {
    const image = await dockerLoad(join(tmp, 'shop.tar'))
    try {
      expect(await runContainer(image, { args: ['x'] })).toMatchObject({ exitCode: 0, stdout: 'api ran 1\n' })
      const m = await runContainer(image, { entrypoint: '/usr/local/bin/migrate' })
      expect(m).toMatchObject({ exitCode: 0, stdout: 'migrate ran 0\n' })
    } finally {
      await docker(['rmi', '-f', image])
    }
  })
})
