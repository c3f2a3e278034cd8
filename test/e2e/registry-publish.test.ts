// Pull a base from the real loopback registry, build on it, publish, pull the
// result back with skopeo and run it: the base's env and user survive, a
// second build needs no network, several platforms become one image index,
// blobs the registry has are skipped and blobs another repository has are
// mounted.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineEvent, GoService, PushProgress } from '../../src/index.js'
import { missing } from '../support/tools.js'
import { REGISTRY, dockerEnv, exec, execOk, missingDocker, missingRegistry, missingRunc, runContainer, runcRunOciArchive } from '../support/runtime.js'
import { BASE_USER, byDigest, probeService, pushWithSkopeo, skopeoRaw, uniqueRepo, writeBaseArchive } from './registry-fixtures.js'
import { startRegistryProxy } from './registry-proxy.js'

const skip = missing('go', 'skopeo') || (await missingRegistry())

describe.skipIf(skip)('registry: build on a pulled base and publish', () => {
  let tmp: string
  let baseRepo: string
  let probe: GoService
  const infos: string[] = []
  const onEvent = (e: EngineEvent) => void (e.kind === 'info' && infos.push(e.message))

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gostatic-e2e-registry-'))
    baseRepo = uniqueRepo('busybox')
    await pushWithSkopeo(await writeBaseArchive(tmp, { arm64: true }), `${REGISTRY}/${baseRepo}:1`)
    probe = (await probeService(tmp)).runtime(`${REGISTRY}/${baseRepo}:1`).runtimeEnv({ SHARED: 'app', APP_ONLY: 'yes' })
  })
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })

  it.skipIf(missingRunc())("keeps the base's env and user: the published image, pulled back with skopeo, runs with them", async () => {
    const result = await probe.build({ engine: 'local', cacheDir: join(tmp, 'cache'), onEvent })
    expect(infos.join('\n')).toContain(`pulled from ${REGISTRY}`)
    const repo = uniqueRepo('probe')
    const ref = await result.publish(`${REGISTRY}/${repo}:1.0`)
    expect(ref).toMatch(new RegExp(`^${REGISTRY}/${repo}:1\\.0@sha256:[0-9a-f]{64}$`))

    const cfg = JSON.parse(await execOk('skopeo', ['inspect', '--tls-verify=false', '--config', `docker://${byDigest(ref)}`])) as { config: { User?: string; Env: string[]; Entrypoint: string[]; Cmd?: string[] }; rootfs: { diff_ids: string[] } }
    expect(cfg.config.User).toBe(BASE_USER)
    expect(cfg.config.Env).toEqual(['PATH=/bin', 'BASE_ONLY=from-base', 'SHARED=app', 'APP_ONLY=yes'])
    expect(cfg.config.Cmd).toBeUndefined() // our entrypoint replaces the base's, and its CMD with it
    expect(cfg.rootfs.diff_ids).toHaveLength(3) // two base layers under the binary's

    const pulled = join(tmp, 'pulled.tar')
    await execOk('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${byDigest(ref)}`, `oci-archive:${pulled}`])
    const run = await runcRunOciArchive(pulled)
    expect(run.stderr).toBe('')
    expect(run.stdout).toBe('uid=4242 gid=4242\nPATH=/bin\nBASE_ONLY=from-base\nSHARED=app\nAPP_ONLY=yes\n')
  })

  it('makes no network request on a second build: the registry can be gone', async () => {
    const proxy = await startRegistryProxy({ target: REGISTRY })
    const cacheDir = join(tmp, 'cache-offline')
    const svc = probe.runtime(`${proxy.address}/${baseRepo}:1`)
    let first: string
    try {
      const r = await svc.build({ engine: 'local', cacheDir })
      first = (await r.exportTarball(join(tmp, 'first.tar'))).indexDigest
      expect(proxy.requests.length).toBeGreaterThan(0)
    } finally {
      await proxy.close()
    }
    const seen: string[] = []
    const again = await svc.build({ engine: 'local', cacheDir, onEvent: (e) => void (e.kind === 'info' && seen.push(e.message)) })
    expect(seen.join('\n')).toContain('from the local cache, no network')
    expect((await again.exportTarball(join(tmp, 'again.tar'))).indexDigest).toBe(first)
    // And the proxy really is gone: asking the registry again fails.
    await expect(svc.build({ engine: 'local', cacheDir, pull: 'always' })).rejects.toMatchObject({ code: 'REGISTRY_UNREACHABLE' })
  })

  it('publishes two platforms as one image index; a second push skips every blob; another repository mounts them', async () => {
    const cacheDir = join(tmp, 'cache-multi')
    const result = await probe.platforms('linux/amd64', 'linux/arm64').build({ engine: 'local', cacheDir })
    const repo = uniqueRepo('multi')
    const first: PushProgress[] = []
    const ref = await result.publish(`${REGISTRY}/${repo}:2`, { onProgress: (e) => first.push(e) })
    const raw = await skopeoRaw(ref)
    expect(raw.mediaType).toBe('application/vnd.oci.image.index.v1+json')
    expect(raw.manifests!.map((m) => `${m.platform.os}/${m.platform.architecture}`).sort()).toEqual(['linux/amd64', 'linux/arm64'])
    // The base's blobs were pulled from baseRepo on this registry: mounted, not uploaded again.
    const blobs = (es: PushProgress[]) => es.filter((e): e is Extract<PushProgress, { kind: 'blob' }> => e.kind === 'blob')
    expect(blobs(first).filter((e) => e.action === 'mounted').map((e) => e.from)).toContain(baseRepo)
    expect(first.filter((e) => e.kind === 'manifest').map((e) => e.reference).at(-1)).toBe('2') // the tag last

    const second: PushProgress[] = []
    expect(await result.publish(`${REGISTRY}/${repo}:2`, { onProgress: (e) => second.push(e) })).toBe(ref)
    expect(new Set(blobs(second).map((e) => e.action))).toEqual(new Set(['exists']))

    const third: PushProgress[] = []
    const other = uniqueRepo('multi-copy')
    await result.publish(`${REGISTRY}/${other}:2`, { onProgress: (e) => third.push(e) })
    expect(new Set(blobs(third).map((e) => e.action))).toEqual(new Set(['mounted']))
  })

  it('uploads in chunks when asked, and the registry stores the same digest', async () => {
    // No cache: no record of where blobs live, so every blob is uploaded.
    const result = await probe.build({ engine: 'local', cacheDir: null })
    const proxy = await startRegistryProxy({ target: REGISTRY })
    const repo = uniqueRepo('chunked')
    let ref: string
    try {
      ref = await result.publish(`${proxy.address}/${repo}:1`, { chunkSize: 64 * 1024 })
    } finally {
      await proxy.close()
    }
    const patches = proxy.requests.filter((r) => r.startsWith('PATCH ')).length
    const app = result.images[0]!.layers.at(-1)!
    expect(patches).toBeGreaterThanOrEqual(Math.ceil(app.size / (64 * 1024)))
    const archive = await result.exportTarball(join(tmp, 'chunked.tar'))
    expect(ref.endsWith(`@${archive.indexDigest}`)).toBe(true)
    const inspected = JSON.parse(await execOk('skopeo', ['inspect', '--tls-verify=false', `docker://${REGISTRY}/${repo}:1`])) as { Digest: string }
    expect(inspected.Digest).toBe(archive.indexDigest)
  })

  it.skipIf(missingDocker())('load() puts the image into the running dockerd, which runs it as the base user', async () => {
    // load() talks to the daemon DOCKER_HOST names in the build's env.
    const result = await probe.build({ engine: 'local', cacheDir: join(tmp, 'cache'), env: dockerEnv() })
    const tag = await result.load({ tag: `gostatic.test/${uniqueRepo('load').replace(/\//g, '-')}:1` })
    const run = await runContainer(tag)
    expect(run.stdout).toContain('uid=4242 gid=4242\n')
    expect(run.stdout).toContain('BASE_ONLY=from-base\n')
  })

  it('load() without a reachable daemon says so', async () => {
    const result = await probe.build({ engine: 'local', cacheDir: join(tmp, 'cache'), env: { ...process.env, DOCKER_HOST: `unix://${join(tmp, 'no-such.sock')}` } })
    await expect(result.load()).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE', message: expect.stringContaining('found no Docker daemon') })
  })

  it('gostatic build --push REF publishes and reports the digest reference', async () => {
    const repo = uniqueRepo('cli')
    const r = await exec(process.execPath, ['bin/gostatic.js', 'build', join(tmp, 'probe'), '--engine', 'local', '--runtime', `${REGISTRY}/${baseRepo}:1`, '--out', join(tmp, 'cli.tar'), '--push', `${REGISTRY}/${repo}:v1`, '--json'], {
      env: { ...process.env, GOSTATIC_CACHE_DIR: join(tmp, 'cache') },
    })
    expect(r.exitCode, r.stderr).toBe(0)
    const [outcome] = JSON.parse(r.stdout) as { ok: boolean; pushed: string; archive: { digest: string } }[]
    expect(outcome!.pushed).toBe(`${REGISTRY}/${repo}:v1@${outcome!.archive.digest}`)
    expect((JSON.parse(await execOk('skopeo', ['inspect', '--tls-verify=false', `docker://${REGISTRY}/${repo}:v1`])) as { Digest: string }).Digest).toBe(outcome!.archive.digest)
  })
})
