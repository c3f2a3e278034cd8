// What goes wrong between gostatic and a registry, for real: a tag or a
// platform that doesn't exist, a registry nobody listens on, a proxy that
// corrupts a blob, a registry that stops in the middle of a push. Each gives
// its own error code, and leaves no cache entry and no tag behind.
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GoService } from '../../src/index.js'
import { missing } from '../support/tools.js'
import { REGISTRY, exec, freePort, missingRegistry } from '../support/runtime.js'
import { probeService, pushWithSkopeo, tagExists, uniqueRepo, writeBaseArchive } from './registry-fixtures.js'
import { startRegistryProxy } from './registry-proxy.js'

const skip = missing('go', 'skopeo') || (await missingRegistry())

describe.skipIf(skip)('registry faults', () => {
  let tmp: string
  let probe: GoService
  let single: string
  let multi: string
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gostatic-e2e-faults-'))
    single = uniqueRepo('busybox-amd64')
    multi = uniqueRepo('busybox-multi')
    await pushWithSkopeo(await writeBaseArchive(tmp), `${REGISTRY}/${single}:1`)
    await pushWithSkopeo(await writeBaseArchive(tmp, { arm64: true }), `${REGISTRY}/${multi}:1`)
    probe = await probeService(tmp)
  })
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })
  const files = (dir: string) => readdir(dir, { recursive: true }).catch(() => [] as string[])

  it('a missing tag is REGISTRY_NOT_FOUND, naming the image', async () => {
    const err = await probe.runtime(`${REGISTRY}/${single}:no-such-tag`).build({ engine: 'local', cacheDir: join(tmp, 'c-tag') }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'REGISTRY_NOT_FOUND' })
    expect((err as Error).message).toContain(`${REGISTRY}/${single}:no-such-tag`)
    expect((err as Error).message).toContain('MANIFEST_UNKNOWN')
  })

  it('a missing platform is PLATFORM_NOT_FOUND, listing the platforms the index has', async () => {
    await expect(probe.runtime(`${REGISTRY}/${multi}:1`).platforms('linux/s390x').build({ engine: 'local', cacheDir: join(tmp, 'c-plat') })).rejects.toMatchObject({
      code: 'PLATFORM_NOT_FOUND',
      message: expect.stringContaining('has no linux/s390x image; it has linux/amd64, linux/arm64'),
    })
    await expect(probe.runtime(`${REGISTRY}/${single}:1`).platforms('linux/arm64').build({ engine: 'local', cacheDir: join(tmp, 'c-plat1') })).rejects.toMatchObject({
      code: 'PLATFORM_NOT_FOUND',
      message: expect.stringContaining('is linux/amd64 only; the build targets linux/arm64'),
    })
  })

  it('a registry nobody listens on is REGISTRY_UNREACHABLE (ECONNREFUSED)', async () => {
    const dead = `127.0.0.1:${await freePort()}`
    await expect(probe.runtime(`${dead}/${single}:1`).build({ engine: 'local', cacheDir: join(tmp, 'c-dead') })).rejects.toMatchObject({
      code: 'REGISTRY_UNREACHABLE',
      message: expect.stringContaining(`cannot reach registry ${dead}`),
    })
  })

  it('refuses a blob whose bytes do not match its digest, and writes nothing to the cache', async () => {
    const proxy = await startRegistryProxy({ target: REGISTRY, corrupt: /\/blobs\/sha256:/ })
    const cacheDir = join(tmp, 'c-corrupt')
    try {
      const err = await probe.runtime(`${proxy.address}/${single}:1`).build({ engine: 'local', cacheDir }).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'DIGEST_MISMATCH', message: expect.stringContaining('refusing it, nothing was written') })
      expect(proxy.requests.some((r) => r.startsWith('GET') && r.includes('/blobs/sha256:'))).toBe(true)
    } finally {
      await proxy.close()
    }
    expect(await files(cacheDir)).toEqual([])
  })

  it('a registry that stops mid-push gives REGISTRY_UNREACHABLE and leaves no tag', async () => {
    // No cache, so no mount hints: every blob is uploaded, and the proxy cuts off after the first.
    const result = await probe.runtime(`${REGISTRY}/${single}:1`).build({ engine: 'local', cacheDir: null })
    const proxy = await startRegistryProxy({ target: REGISTRY, dropAfterUploads: 1 })
    const repo = uniqueRepo('half')
    try {
      await expect(result.publish(`${proxy.address}/${repo}:1`)).rejects.toMatchObject({ code: 'REGISTRY_UNREACHABLE', message: expect.stringContaining(`cannot reach registry ${proxy.address}`) })
      expect(proxy.dropped).toBeGreaterThan(0)
      expect(proxy.requests.some((r) => r.startsWith('PUT') && r.includes('/manifests/'))).toBe(false)
    } finally {
      await proxy.close()
    }
    expect(await tagExists(REGISTRY, repo, '1')).toBe(false)
    const inspect = await exec('skopeo', ['inspect', '--tls-verify=false', `docker://${REGISTRY}/${repo}:1`])
    expect(inspect.exitCode).not.toBe(0)
    expect(inspect.stderr).toMatch(/manifest unknown|name unknown|not found/i)
  })
})
