// The Dagger engine against a real engine (scripts/dagger-engine.sh up). The
// builder image 127.0.0.1:5000/gostatic/go-builder is a Debian image with the
// host's Go, binutils and upx: it stands in for golang:<ver>-alpine, which
// cannot be pulled here (the engine's docker.io mirror serves it under that name).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { connection, dag } from '@dagger.io/dagger'
import { goService, type BuildResult } from '../../src/index.js'
import { hello } from '../../examples/hello/pipeline.js'
import { missingDagger, builderImage } from '../support/dagger.js'
import { dockerLoad, exec, freePort, missingDocker, startContainer } from '../support/runtime.js'
import { imageFiles } from '../support/image-files.js'
import { withTmpdir } from '../bad-input/harness.js'

const skip = missingDagger() || missingDocker()
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-dagger-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe.skipIf(skip)('dagger engine: examples/hello', () => {
  let result: BuildResult
  let tar: string
  beforeAll(async () => {
    result = await hello.builderImage(builderImage()).build({ engine: 'dagger' })
    tar = (await result.exportTarball(join(tmp, 'hello-dagger.tar'))).path
  })

  it('builds through Dagger, and the exported image serves /healthz in a real runtime', async () => {
    expect(result.engine).toBe('dagger')
    const image = await dockerLoad(tar)
    const port = await freePort()
    const c = await startContainer(image, { args: ['-addr', `127.0.0.1:${port}`, '-zone', 'America/New_York'], network: 'host' })
    try {
      const body = (await (await c.waitForHttp(`http://127.0.0.1:${port}/healthz`)).json()) as Record<string, unknown>
      expect(body).toMatchObject({ status: 'ok', version: '1.0.0', rootCAs: true, user: 'nonroot', zoneTime: '2024-01-01T07:00:00-05:00' })
    } finally {
      await c.stop()
    }
  })

  it('holds the same files as the local engine image for the same spec', async () => {
    const local = await (await hello.build({ engine: 'local' })).exportTarball(join(tmp, 'hello-local.tar'))
    const a = await imageFiles(local.path)
    const b = await imageFiles(tar)
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort())
    for (const [path, f] of a) expect({ path, ...b.get(path) }).toEqual({ path, ...f })
  })

  it('verified the binary before export, as the local engine does', () => {
    const t = result.report.targets[0]!
    expect(t.elf).toMatchObject({ isStatic: true, machine: 'x86_64' })
    expect(t.settings).toMatchObject({ CGO_ENABLED: '0', '-trimpath': 'true' })
  })
})

describe.skipIf(skip)('dagger engine: composition', () => {
  it("returns the runtime containers when given the caller's dag, for their own pipeline", async () => {
    await connection(async () => {
      const r = await goService({ name: 'hello', source: resolve('examples/hello') }).builderImage(builderImage()).build({ engine: 'dagger', dag })
      const c = r.containers?.get('linux/amd64')
      expect(c).toBeDefined()
      const out = await c!.withExec(['/usr/local/bin/hello', '--version'], { useEntrypoint: false }).stdout()
      expect(out.trim()).toBe('hello dev')
    })
  })
})

describe.skipIf(skip)('dagger engine: platforms and sources', () => {
  it('exports linux/amd64 and linux/arm64 as one image index, each a verified static ELF for its arch', async () => {
    const r = await goService({ name: 'hello', source: resolve('examples/hello') }).builderImage(builderImage()).platforms('linux/amd64', 'linux/arm64').build({ engine: 'dagger' })
    expect(r.report.targets.map((t) => [t.platform, t.elf.machine, t.elf.isStatic])).toEqual([['linux/amd64', 'x86_64', true], ['linux/arm64', 'aarch64', true]])
    const tar = (await r.exportTarball(join(tmp, 'hello-multi.tar'))).path
    const raw = await exec('skopeo', ['inspect', '--raw', `oci-archive:${tar}`])
    const index = JSON.parse(raw.stdout) as { manifests: { platform: { architecture: string } }[] }
    expect(index.manifests.map((m) => m.platform.architecture).sort()).toEqual(['amd64', 'arm64'])
  })

  it("builds from a caller's Dagger Directory", async () => {
    await connection(async () => {
      const source = dag.host().directory(resolve('examples/hello'))
      const r = await goService({ name: 'hello', source: '/nonexistent/not-used' }).builderImage(builderImage()).build({ engine: 'dagger', dag, source })
      expect(r.report.targets[0]!.elf.isStatic).toBe(true)
    })
  })
})

describe.skipIf(skip)('rendered Dockerfile', () => {
  it('builds with a real docker build on the same builder image, and the image runs', async () => {
    const svc = goService({ name: 'hello', source: resolve('examples/hello') }).strip().timezones(['Europe/Berlin'])
    const dockerfile = join(tmp, 'Dockerfile')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(dockerfile, svc.dockerfile())
    const tag = 'gostatic-test/hello-dockerfile:1'
    const b = await exec('/usr/bin/docker', ['build', '-f', dockerfile, '--build-arg', `GO_IMAGE=${builderImage()}`, '-t', tag, resolve('examples/hello')], {
      env: { ...process.env, DOCKER_BUILDKIT: '1' },
      timeoutMs: 600_000,
    })
    expect(b.exitCode, b.stderr).toBe(0)
    const run = await exec('/usr/bin/docker', ['run', '--rm', tag, '--version'])
    expect(run.stdout.trim(), run.stderr).toBe('hello dev')
  })
})

describe.skipIf(skip)('dagger engine: temp folder', () => {
  it('names an unusable TMPDIR as the local engine does, before the builder runs', async () => {
    const file = join(tmp, 'not-a-folder')
    writeFileSync(file, '')
    const bad = join(file, 'tmp')
    await connection(async () => {
      const svc = goService({ name: 'hello', source: resolve('examples/hello') }).builderImage(builderImage())
      const err = await withTmpdir(bad, () => svc.build({ engine: 'dagger', dag }).then(() => null, (e: unknown) => e))
      expect(err).toMatchObject({ code: 'OUTPUT_NOT_WRITABLE', message: `cannot create a temp folder in ${bad} (ENOTDIR)`, hint: 'set TMPDIR to a writable folder with free space' })
    })
  })
})
