// .cgo() on the Dagger engine: the same go-sqlite3 service, built static with
// zig for linux/amd64 and linux/arm64 in the builder container (the Debian
// stand-in plus zig, scripts/builder-image.sh), zig's cache in a volume.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { goService, type BuildResult } from '../../src/index.js'
import { readGoBuildInfo } from '../../src/inspect/go-buildinfo.js'
import { readElfComment } from '../../src/inspect/elf-comment.js'
import { runTool } from '../../src/util/run-tool.js'
import { cgoBuilderImage, missingDagger } from '../support/dagger.js'
import { docker, dockerEnv, exec, missingDocker, runContainer } from '../support/runtime.js'
import { missing } from '../support/tools.js'
import { SQLITE_ANSWER, runImage, runUnderQemu, sqliteModule } from '../support/cgo-fixtures.js'

const skip = missingDagger() || missingDocker() || missing('go')
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-dagger-cgo-'))
const images: string[] = []
afterAll(async () => {
  if (images.length > 0) await docker(['rmi', '-f', ...images])
  rmSync(tmp, { recursive: true, force: true })
})

describe.skipIf(skip)('dagger engine: .cgo() with zig', () => {
  let r: BuildResult
  let src: string
  beforeAll(async () => {
    src = await sqliteModule(join(tmp, 'sqlite'))
    // The engine here has no network: the module comes vendored (go-sqlite3 ships its C sources).
    const vendor = await runTool('go', ['mod', 'vendor'], { cwd: src })
    expect(vendor.exitCode, vendor.stderr).toBe(0)
    const svc = goService({ name: 'sqlite-dagger', source: src })
      .mod('vendor')
      .builderImage(cgoBuilderImage())
      .platforms('linux/amd64', 'linux/arm64')
      .runtime('scratch')
      .cgo({ toolchain: 'zig' })
    r = await svc.build({ engine: 'dagger' })
  }, 1_500_000)

  it('builds both platforms static, CGO_ENABLED=1, linked by zig', () => {
    expect(r.engine).toBe('dagger')
    for (const [i, machine] of [[0, 'x86_64'], [1, 'aarch64']] as const) {
      expect(r.report.targets[i]!.elf).toMatchObject({ machine, isStatic: true, interpreter: null, needed: [] })
      const bytes = r.images[i]!.binary.bytes
      expect(readGoBuildInfo(bytes)!.settings).toMatchObject({ CGO_ENABLED: '1', '-tags': 'netgo,osusergo,sqlite_omit_load_extension' })
      expect(readElfComment(bytes).join('\n')).toMatch(/Linker: LLD/)
    }
  })

  it('the amd64 image answers on scratch in a real container', async () => {
    const run = await runImage(r, join(tmp, 'sqlite-dagger.tar'), images)
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout).toMatch(SQLITE_ANSWER)
  })

  it.skipIf(missing('qemu-aarch64-static'))('the arm64 binary answers under qemu-aarch64-static', async () => {
    const run = await runUnderQemu(r, join(tmp, 'sqlite-dagger-arm64'))
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout).toMatch(SQLITE_ANSWER)
  })

  it('the rendered Dockerfile builds the same service with zig in a real docker build, and its image answers', async () => {
    const svc = goService({ name: 'sqlite-dockerfile', source: src }).mod('vendor').runtime('scratch').cgo({ toolchain: 'zig' })
    const file = join(tmp, 'Dockerfile.cgo')
    writeFileSync(file, svc.dockerfile())
    const tag = `gostatic-test/sqlite-dockerfile:${process.pid}`
    // Docker 20.10's client has BuildKit built in; the builder stand-in already has zig, so nothing is installed.
    const args = ['build', '--progress', 'plain', '-f', file, '--build-arg', `GO_IMAGE=${cgoBuilderImage()}`, '-t', tag, src]
    const b = await exec('/usr/bin/docker', args, { env: { ...dockerEnv(), DOCKER_BUILDKIT: '1' }, timeoutMs: 1_200_000 })
    expect(b.exitCode, b.stderr.slice(-3000)).toBe(0)
    images.push(tag)
    const run = await runContainer(tag)
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout).toMatch(SQLITE_ANSWER)
  }, 1_300_000)
})

