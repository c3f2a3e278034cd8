// `gostatic --binary main=path`: the plan lists the further binary, and the
// built image (local engine, loaded into the real dockerd) runs it by path
// while the entrypoint stays the main binary.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { missing } from '../support/tools.js'
import { runCli } from '../support/cli.js'
import { docker, dockerLoad, missingDocker, runContainer } from '../support/runtime.js'
import { twoBinaryModule } from './binaries-fixtures.js'

const FLAG = ['--binary', './cmd/migrate=/usr/local/bin/migrate']

describe.skipIf(missing('go'))('gostatic --binary', () => {
  let tmp: string
  let src: string
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gostatic-e2e-binary-flag-'))
    src = join(tmp, 'shop')
    await twoBinaryModule(src)
  })
  afterAll(() => rm(tmp, { recursive: true, force: true }))

  it('--help documents the flag', async () => {
    const r = await runCli(['build', '--help'])
    expect(r.stdout).toMatch(/--binary <main=path>\s+A further binary in the image/)
  })

  it('plan --json lists the binary, and the text plan names both', async () => {
    const json = await runCli(['plan', src, ...FLAG, '--json'], { cwd: tmp })
    expect(json.code, json.stderr).toBe(0)
    const p = JSON.parse(json.stdout)
    expect(p.binaries).toEqual([{ package: './cmd/migrate', path: '/usr/local/bin/migrate' }])
    expect(p.runtime.config.entrypoint).toEqual(['/usr/local/bin/shop'])
    const text = await runCli(['plan', src, ...FLAG], { cwd: tmp })
    expect(text.stdout).toContain('  - /usr/local/bin/shop from .\n  - /usr/local/bin/migrate from ./cmd/migrate\n')
  })

  it('a gostatic.config service lists its binaries, and --binary adds to them', async () => {
    const dir = join(tmp, 'config')
    await twoBinaryModule(join(dir, 'shop'))
    await mkdir(join(dir, 'shop', 'cmd', 'seed'), { recursive: true })
    await writeFile(join(dir, 'shop', 'cmd', 'seed', 'main.go'), 'package main\n\nfunc main() {}\n')
    const service = "{ name: 'shop', source: 'shop', binaries: [{ main: './cmd/migrate', path: '/usr/local/bin/migrate' }] }"
    await writeFile(join(dir, 'gostatic.config.mjs'), `export default { services: [${service}] }\n`)
    const r = await runCli(['plan', dir, '--json', '--binary', './cmd/seed=/usr/local/bin/seed'], { cwd: dir })
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).binaries.map((b: { path: string }) => b.path)).toEqual(['/usr/local/bin/migrate', '/usr/local/bin/seed'])
  })

  it.skipIf(missingDocker())('builds an image whose migrate binary runs by path', async () => {
    const out = join(tmp, 'shop.tar')
    const r = await runCli(['build', src, '--engine', 'local', '--reporter', 'plain', ...FLAG, '--out', out], { cwd: tmp })
    expect(r.code, r.stderr).toBe(0)
    // Progress names the binary of each of its steps.
    expect(r.stderr).toMatch(/shop linux\/amd64: go-build \/usr\/local\/bin\/migrate \(\d+ ms\)/)
    expect((await readFile(out)).length).toBeGreaterThan(0)
    const image = await dockerLoad(out)
    try {
      expect(await runContainer(image, { entrypoint: '/usr/local/bin/migrate' })).toMatchObject({ exitCode: 0, stdout: 'migrate ran 0\n' })
      expect(await runContainer(image)).toMatchObject({ exitCode: 0, stdout: 'api ran 0\n' })
    } finally {
      await docker(['rmi', '-f', image])
    }
  })
})
