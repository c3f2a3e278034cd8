// inspect() on a pushed image: read through the registry API with the pull
// path's auth, one platform or all, by tag or by digest, with what the
// repository stores under cosign's tags and, on a registry that has it, what
// the referrers API lists; the registry's refusals are the usual errors.
import { generateKeyPairSync } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goService, inspect, type BuildResult, type ImageReport, type InspectReport } from '../../src/index.js'
import { renderReportText } from '../../src/inspect/report-text.js'
import { missing } from '../support/tools.js'
import { REGISTRY, freePort, missingRegistry } from '../support/runtime.js'
import { startReferrersRegistry, type RunningRegistry } from '../support/referrers-registry.js'
import { startRegistryProxy } from './registry-proxy.js'
import { AUTH_PASSWORD, AUTH_REGISTRY, AUTH_USER, missingAuthRegistry, uniqueRepo } from './registry-fixtures.js'

const skip = missing('go') || (await missingRegistry()) || (await missingAuthRegistry())

const image = (r: InspectReport): ImageReport => {
  if (r.kind !== 'image') throw new Error(`expected an image report, got ${r.kind}`)
  return r
}

describe.skipIf(skip)('inspect a pushed image', () => {
  let tmp: string
  let result: BuildResult
  let repo: string
  let digest: string
  let emptyConfig: NodeJS.ProcessEnv

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gostatic-e2e-inspect-pushed-'))
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    result = await goService({ name: 'hello', source: resolve('examples/hello') })
      .platforms('linux/amd64', 'linux/arm64')
      .build({ engine: 'local', reporter: 'silent', sign: { key } })
    repo = uniqueRepo('inspect-pushed')
    digest = (await result.publish(`${REGISTRY}/${repo}:1`)).split('@')[1]!
    // No docker config with credentials: what a machine that never logged in has.
    await mkdir(join(tmp, 'docker'))
    emptyConfig = { ...process.env, DOCKER_CONFIG: join(tmp, 'docker') }
  })
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })

  it('reports only the platform asked for, fetching only its blobs, still listing every attachment', async () => {
    const all = image(await inspect(`${REGISTRY}/${repo}:1`))
    const proxy = await startRegistryProxy({ target: REGISTRY })
    let r: ImageReport
    try {
      r = image(await inspect(`${proxy.address}/${repo}:1`, { platform: 'linux/arm64' }))
    } finally {
      await proxy.close()
    }
    expect(r.digest).toBe(digest)
    expect(r.platforms.map((p) => [p.platform, p.binary?.elf.machine])).toEqual([['linux/arm64', 'aarch64']])
    expect(r.attachments.map((a) => a.kind)).toEqual(['sig', 'sig', 'sig', 'att', 'att', 'att', 'sbom', 'sbom', 'sbom'])
    const blobsOf = (p: string) => {
      const x = all.platforms.find((q) => q.platform === p)!
      return [x.configDigest, ...x.layers.map((l) => l.digest)]
    }
    const fetched = proxy.requests.filter((q) => q.startsWith('GET ') && q.includes('/blobs/')).map((q) => q.split('/blobs/')[1]!)
    expect(fetched.sort()).toEqual([...new Set(blobsOf('linux/arm64'))].sort())
    expect(blobsOf('linux/amd64').filter((b) => !blobsOf('linux/arm64').includes(b)).some((b) => fetched.includes(b))).toBe(false)
    await expect(inspect(`${REGISTRY}/${repo}:1`, { platform: 'linux/s390x' })).rejects.toMatchObject({
      code: 'INPUT_NOT_FOUND',
      message: `${REGISTRY}/${repo}:1 has no image for linux/s390x; it has linux/amd64, linux/arm64`,
    })
  })

  it('reads one platform manifest by digest, with the attachments of that digest only', async () => {
    const all = image(await inspect(`registry://${REGISTRY}/${repo}:1`))
    const arm = all.platforms.find((p) => p.platform === 'linux/arm64')!.manifestDigest!
    const r = image(await inspect(`${REGISTRY}/${repo}@${arm}`))
    expect(r).toMatchObject({ format: 'registry', digest: arm })
    expect(r.platforms.map((p) => p.manifestDigest)).toEqual([arm])
    expect(r.attachments.map((a) => [a.kind, a.subject])).toEqual([['sig', arm], ['att', arm], ['sbom', arm]])
  })

  it('refuses a layer whose bytes do not match its digest', async () => {
    const proxy = await startRegistryProxy({ target: REGISTRY, corrupt: /\/blobs\/sha256:/ })
    try {
      await expect(inspect(`${proxy.address}/${repo}:1`, { platform: 'linux/amd64' })).rejects.toMatchObject({
        code: 'DIGEST_MISMATCH',
        message: expect.stringMatching(new RegExp(`^blob sha256:[0-9a-f]{64} of ${proxy.address}/${repo}:1: expected sha256:`)),
      })
    } finally {
      await proxy.close()
    }
  })

  it('says a tag that is not there is not found, and an unreachable registry unreachable', async () => {
    await expect(inspect(`${REGISTRY}/${repo}:no-such-tag`)).rejects.toMatchObject({ code: 'REGISTRY_NOT_FOUND', message: expect.stringContaining(`reading image ${REGISTRY}/${repo}:no-such-tag: not found on ${REGISTRY}`) })
    const port = await freePort()
    await expect(inspect(`registry://127.0.0.1:${port}/x/y:1`)).rejects.toMatchObject({ code: 'REGISTRY_UNREACHABLE', message: expect.stringContaining(`cannot reach registry 127.0.0.1:${port}`) })
  })

  it('authenticates as pulls do: registryAuth, or the docker config; without credentials REGISTRY_AUTH', async () => {
    const ref = `${AUTH_REGISTRY}/${uniqueRepo('inspect-auth')}:1`
    const registryAuth = { [AUTH_REGISTRY]: { username: AUTH_USER, password: AUTH_PASSWORD } }
    await result.publish(ref, { registryAuth })
    await expect(inspect(ref, { env: emptyConfig })).rejects.toMatchObject({ code: 'REGISTRY_AUTH', message: expect.stringContaining(`registry ${AUTH_REGISTRY} requires authentication`) })
    const withAuth = image(await inspect(ref, { env: emptyConfig, registryAuth }))
    expect(withAuth.attachments).toHaveLength(9)
    const config = join(tmp, 'logged-in')
    await mkdir(config)
    await writeFile(join(config, 'config.json'), JSON.stringify({ auths: { [AUTH_REGISTRY]: { auth: Buffer.from(`${AUTH_USER}:${AUTH_PASSWORD}`).toString('base64') } } }))
    const fromConfig = image(await inspect(ref, { env: { ...process.env, DOCKER_CONFIG: config } }))
    expect(fromConfig.digest).toBe(withAuth.digest)
  })

  describe('on a registry with the referrers API', () => {
    let reg: RunningRegistry
    beforeAll(async () => {
      reg = await startReferrersRegistry(tmp)
    })
    afterAll(async () => {
      await reg?.close()
    })

    it('lists the referrers of the index and of each platform, each one of the manifests cosign tags name', async () => {
      const ref = `${reg.address}/${uniqueRepo('referrers')}:1`
      await result.publish(ref)
      const r = image(await inspect(ref))
      expect(r.referrers).not.toBeNull()
      const tagged = new Map(r.attachments.map((a) => [a.digest, a.tag]))
      expect(r.referrers!.map((x) => x.tag).sort()).toEqual([...tagged.values()].sort())
      for (const x of r.referrers!) expect(tagged.get(x.digest)).toBe(x.tag)
      expect(new Set(r.referrers!.map((x) => x.subject))).toEqual(new Set([r.digest, ...r.platforms.map((p) => p.manifestDigest)]))
      expect(renderReportText(r)).toContain('referrers (OCI referrers API): 9')
    })

    it('reports an empty list, not null, for an image nothing refers to', async () => {
      const ref = `${reg.address}/${uniqueRepo('referrers-none')}:1`
      await result.publish(ref, { attach: false })
      const r = image(await inspect(ref))
      expect(r.attachments).toEqual([])
      expect(r.referrers).toEqual([])
    })
  })
})
