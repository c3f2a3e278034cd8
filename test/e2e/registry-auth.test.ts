// The credential paths against a real registry with htpasswd auth: docker's
// config.json (inline auths and a credential helper) under DOCKER_CONFIG,
// explicit registryAuth, and the errors for a wrong or missing password.
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GoService } from '../../src/index.js'
import { missing } from '../support/tools.js'
import { execOk } from '../support/runtime.js'
import { AUTH_PASSWORD, AUTH_REGISTRY, AUTH_USER, BASE_USER, byDigest, missingAuthRegistry, probeService, pushWithSkopeo, uniqueRepo, writeBaseArchive } from './registry-fixtures.js'

const skip = missing('go', 'skopeo') || (await missingAuthRegistry())
const creds = `${AUTH_USER}:${AUTH_PASSWORD}`

describe.skipIf(skip)('registry with htpasswd auth', () => {
  let tmp: string
  let probe: GoService
  let n = 0
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gostatic-e2e-auth-'))
    const baseRef = `${AUTH_REGISTRY}/${uniqueRepo('busybox')}:1`
    await pushWithSkopeo(await writeBaseArchive(tmp), baseRef, creds)
    probe = (await probeService(tmp)).runtime(baseRef)
  })
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })

  /** A DOCKER_CONFIG folder holding `config`; each build gets a fresh cache so it really pulls. */
  async function dockerConfig(config: object): Promise<{ env: NodeJS.ProcessEnv; cacheDir: string }> {
    const dir = join(tmp, `docker-${++n}`)
    await mkdir(dir)
    await writeFile(join(dir, 'config.json'), JSON.stringify(config))
    return { env: { ...process.env, DOCKER_CONFIG: dir }, cacheDir: join(tmp, `cache-${n}`) }
  }
  const auth = (user: string, password: string) => ({ auths: { [AUTH_REGISTRY]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } } })

  it('pulls and publishes with the password docker login left in $DOCKER_CONFIG/config.json', async () => {
    const opts = await dockerConfig(auth(AUTH_USER, AUTH_PASSWORD))
    const result = await probe.build({ engine: 'local', ...opts })
    const ref = await result.publish(`${AUTH_REGISTRY}/${uniqueRepo('probe')}:1`)
    const cfg = JSON.parse(await execOk('skopeo', ['inspect', '--config', '--tls-verify=false', '--creds', creds, `docker://${byDigest(ref)}`])) as { config: { User: string } }
    expect(cfg.config.User).toBe(BASE_USER)
  })

  it('refuses a wrong password with an unauthorized error that names the registry and how to log in', async () => {
    const opts = await dockerConfig(auth(AUTH_USER, 'wrong-password'))
    const err = await probe.build({ engine: 'local', ...opts }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'REGISTRY_AUTH' })
    expect((err as Error).message).toContain(`registry ${AUTH_REGISTRY} refused the credentials from ${join(opts.env['DOCKER_CONFIG']!, 'config.json')}`)
    expect((err as { hint: string }).hint).toContain(`docker login ${AUTH_REGISTRY}`)
    expect(await readdirOrEmpty(opts.cacheDir)).toEqual([])
  })

  it('says no credentials were found when there are none', async () => {
    const opts = await dockerConfig({})
    await expect(probe.build({ engine: 'local', ...opts })).rejects.toMatchObject({
      code: 'REGISTRY_AUTH',
      message: expect.stringContaining(`registry ${AUTH_REGISTRY} requires authentication`),
    })
  })

  it('uses explicit registryAuth over the docker config', async () => {
    const opts = await dockerConfig(auth(AUTH_USER, 'wrong-password'))
    const result = await probe.build({ engine: 'local', ...opts, registryAuth: { [AUTH_REGISTRY]: { username: AUTH_USER, password: AUTH_PASSWORD } } })
    expect(result.images[0]!.config.User).toBe(BASE_USER)
  })

  it('asks the credential helper named in credHelpers, with the registry on stdin', async () => {
    const bin = join(tmp, 'bin')
    await mkdir(bin, { recursive: true })
    const asked = join(tmp, 'helper-asked')
    const helper = join(bin, 'docker-credential-gostatic-test')
    await writeFile(helper, `#!/bin/sh\n[ "$1" = get ] || exit 2\ncat > '${asked}'\nprintf '{"ServerURL":"%s","Username":"${AUTH_USER}","Secret":"${AUTH_PASSWORD}"}' "$(cat '${asked}')"\n`)
    await chmod(helper, 0o755)
    const opts = await dockerConfig({ credHelpers: { [AUTH_REGISTRY]: 'gostatic-test' }, auths: { [AUTH_REGISTRY]: {} } })
    const result = await probe.build({ engine: 'local', ...opts, env: { ...opts.env, PATH: `${bin}:${process.env.PATH}` } })
    expect(result.images[0]!.config.User).toBe(BASE_USER)
    expect(await readFile(asked, 'utf8')).toBe(AUTH_REGISTRY)
  })

  it('a publish refused for a wrong password leaves no tag', async () => {
    const good = await dockerConfig(auth(AUTH_USER, AUTH_PASSWORD))
    const result = await probe.build({ engine: 'local', ...good })
    const repo = uniqueRepo('refused')
    await expect(result.publish(`${AUTH_REGISTRY}/${repo}:1`, { registryAuth: { [AUTH_REGISTRY]: { username: AUTH_USER, password: 'nope' } } })).rejects.toMatchObject({ code: 'REGISTRY_AUTH' })
    const res = await fetch(`http://${AUTH_REGISTRY}/v2/${repo}/manifests/1`, { headers: { authorization: `Basic ${Buffer.from(creds).toString('base64')}` } })
    expect(res.status).toBe(404)
  })
})

async function readdirOrEmpty(dir: string): Promise<string[]> {
  return readdir(dir, { recursive: true }).catch(() => [])
}
