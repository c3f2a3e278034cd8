// load() streams the image into the real dockerd: over the daemon's API when
// DOCKER_HOST is a unix socket, through `docker load`'s stdin otherwise (a
// docker context here). No archive is written: with TMPDIR pointing nowhere a
// temp file could not even be made. A build whose binary layer is left
// uncompressed (compressLayers: false, what `gostatic build --load` asks for)
// loads under the same image ID as a gzip build and runs.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goService, type BuildResult } from '../../src/index.js'
import { missing } from '../support/tools.js'
import { docker, dockerEnv, execOk, missingDocker, runContainer } from '../support/runtime.js'
import { withTmpdir } from '../bad-input/harness.js'

const skip = missing('go') || missingDocker()

describe.skipIf(skip)('load() streams into the Docker daemon', () => {
  let tmp: string
  let gz: BuildResult
  let raw: BuildResult
  const tags: string[] = []
  const tag = (what: string) => {
    const t = `gostatic.test/load-stream-${process.pid}:${what}`
    tags.push(t)
    return t
  }
  const hello = goService({ name: 'hello', source: resolve('examples/hello') })

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gostatic-e2e-load-'))
    const opts = { engine: 'local' as const, cacheDir: join(tmp, 'cache'), env: dockerEnv() }
    gz = await hello.build(opts)
    raw = await hello.build({ ...opts, compressLayers: false })
  })
  afterAll(async () => {
    if (tags.length) await docker(['rmi', '-f', ...tags])
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })

  const imageId = async (ref: string) => (await execOk('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { env: dockerEnv() })).trim()

  it('over the API: loads and tags the image without a temp file, and it runs', async () => {
    expect(dockerEnv().DOCKER_HOST).toMatch(/^unix:\/\//)
    const t = tag('api')
    // A temp archive would fail here, as it did before (OUTPUT_NOT_WRITABLE naming TMPDIR).
    const loaded = await withTmpdir(join(tmp, 'no-such-dir'), () => gz.load({ tag: t }))
    expect(loaded).toBe(t)
    const run = await runContainer(t, { args: ['-version'] })
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^hello /)
  })

  it('an uncompressed binary layer loads under the same image ID as the gzip build, and runs', async () => {
    const app = raw.images[0]!.layers.at(-1)!
    expect(app.uncompressed).toBe(true)
    expect(app.digest).toBe(app.diffId)
    expect(gz.images[0]!.layers.at(-1)!.uncompressed).toBeUndefined()
    const t = tag('raw')
    await withTmpdir(join(tmp, 'no-such-dir'), () => raw.load({ tag: t }))
    const archive = await gz.exportTarball(join(tmp, 'gz.tar'))
    expect(await imageId(t)).toBe(archive.manifests[0]!.configDigest)
    const run = await runContainer(t, { args: ['-version'] })
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^hello /)
  })

  it.skipIf(missing('docker'))('through `docker load` when DOCKER_HOST is not a unix socket (a docker context)', async () => {
    const config = join(tmp, 'docker-config')
    const host = dockerEnv().DOCKER_HOST!
    const { DOCKER_HOST: _, ...rest } = dockerEnv()
    const env = { ...rest, DOCKER_CONFIG: config }
    await execOk('docker', ['context', 'create', 'gostatic-test', '--docker', `host=${host}`], { env })
    await execOk('docker', ['context', 'use', 'gostatic-test'], { env })
    const viaCli = await goService({ name: 'hello', source: resolve('examples/hello') }).build({ engine: 'local', cacheDir: join(tmp, 'cache'), env })
    const t = tag('cli')
    expect(await withTmpdir(join(tmp, 'no-such-dir'), () => viaCli.load({ tag: t }))).toBe(t)
    const run = await runContainer(t, { args: ['-version'] })
    expect(run.stdout).toMatch(/^hello /)
  })

  it('through `docker load`: no daemon at DOCKER_HOST is ENGINE_UNAVAILABLE naming it', async () => {
    const env = { ...dockerEnv(), DOCKER_HOST: 'tcp://127.0.0.1:1' }
    const r = await hello.build({ engine: 'local', cacheDir: join(tmp, 'cache'), env })
    await expect(r.load()).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE', message: expect.stringMatching(/found no Docker daemon .*DOCKER_HOST=tcp:\/\/127\.0\.0\.1:1/) })
  })
})
