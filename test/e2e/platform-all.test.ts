// --platform all / .platforms('all'): on static one image index with the
// documented platforms, each binary built for its machine (each non-amd64 one
// answers under its qemu-user-static emulator), UPX packing amd64 and leaving
// the others unpacked with a warning instead of failing; on a pulled image
// base, the platforms its index lists.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goService, type BuildResult, type EngineEvent } from '../../src/index.js'
import { emulatorFor } from '../../src/plan/emulator.js'
import type { Platform } from '../../src/spec/platform.js'
import { readOciArchive } from '../../src/oci/oci-reader.js'
import { missing } from '../support/tools.js'
import { REGISTRY, exec, missingRegistry } from '../support/runtime.js'
import { runCli } from '../support/cli.js'
import { pushWithSkopeo, uniqueRepo, writeBaseArchive } from './registry-fixtures.js'

const ALL = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/ppc64le', 'linux/s390x', 'linux/riscv64']
const emulators = ALL.slice(1).map((p) => emulatorFor(p as Platform))

describe.skipIf(missing('go', 'upx', ...emulators))("platforms 'all' on static", () => {
  let tmp: string
  let result: BuildResult
  const warnings: string[] = []
  const onEvent = (e: EngineEvent) => void (e.kind === 'warning' && warnings.push(e.message))

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gostatic-e2e-all-'))
    const hello = goService({ name: 'hello', source: resolve('examples/hello') }).platforms('all').upx()
    result = await hello.build({ engine: 'local', cacheDir: join(tmp, 'cache'), onEvent })
  }, 900_000)
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })

  it('builds one image index with every documented platform, arm/v7 under its OCI variant', async () => {
    const archive = await result.exportTarball(join(tmp, 'all.tar'))
    expect(archive.manifests.map((m) => m.platform)).toEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
      { os: 'linux', architecture: 'ppc64le' },
      { os: 'linux', architecture: 's390x' },
      { os: 'linux', architecture: 'riscv64' },
    ])
    const read = await readOciArchive(archive.path)
    expect(read.images).toHaveLength(6)
  })

  it('packs amd64 and builds the others unpacked with a warning, not a failure', () => {
    expect(result.report.targets.map((t) => [t.platform, t.upx])).toEqual(ALL.map((p, i) => [p, i === 0 ? 'packed' : 'refused']))
    for (const p of ALL.slice(1)) expect(warnings.some((w) => w.startsWith(`upx skipped for ${p} (platform rule)`))).toBe(true)
  })

  it.each(ALL.slice(1))('runs the %s binary under its qemu emulator', async (platform) => {
    const bin = join(tmp, platform.replace(/\//g, '-'))
    await writeFile(bin, result.images.find((i) => i.platform === platform)!.binary.bytes)
    await chmod(bin, 0o755)
    const r = await exec(emulatorFor(platform as Platform), [bin, '-version'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^hello /)
  })

  it('gostatic plan --platform all lists the same platforms', async () => {
    const r = await runCli(['plan', 'examples/hello', '--platform', 'all', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect((JSON.parse(r.stdout) as { targets: { platform: string }[] }).targets.map((t) => t.platform)).toEqual(ALL)
  })
})

describe.skipIf(missing('go', 'skopeo') || (await missingRegistry()))("platforms 'all' on a pulled image base", () => {
  it('builds the platforms its index lists', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'gostatic-e2e-all-base-'))
    try {
      const ref = `${REGISTRY}/${uniqueRepo('all-base')}:1`
      await pushWithSkopeo(await writeBaseArchive(tmp, { arm64: true }), ref)
      const hello = goService({ name: 'hello', source: resolve('examples/hello') }).runtime(ref).platforms('all')
      const r = await hello.build({ engine: 'local', cacheDir: join(tmp, 'cache') })
      expect(r.images.map((i) => i.platform)).toEqual(['linux/amd64', 'linux/arm64'])
    } finally {
      await rm(tmp, { recursive: true, force: true })
    }
  })
})
