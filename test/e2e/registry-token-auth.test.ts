// Docker Hub's way of authenticating, against a real docker-registry with
// `auth: token`: a 401 names a realm, service and scope; gostatic gets a
// bearer token there with the user's password and retries. The registry
// verifies the token's signature, so a token that does not grant the scope
// would be refused.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GoService } from '../../src/index.js'
import { missing } from '../support/tools.js'
import { execOk, freePort, waitForHttp } from '../support/runtime.js'
import { BASE_USER, byDigest, probeService, pushWithSkopeo, uniqueRepo, writeBaseArchive } from './registry-fixtures.js'
import { makeSigningCert, startTokenServer, tokenRegistryConfig, TOKEN_SERVICE, type TokenServer } from './registry-token-server.js'

const skip = missing('go', 'skopeo', 'docker-registry', 'openssl')
const USER = 'token-user'
const PASSWORD = 'token-password'

describe.skipIf(skip)('registry with token auth (the Docker Hub flow)', () => {
  let tmp: string
  let tokens: TokenServer
  let registry: ChildProcess | undefined
  let addr: string
  let baseRef: string
  let probe: GoService
  const right = () => ({ registryAuth: { [addr]: { username: USER, password: PASSWORD } } })

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gostatic-e2e-token-'))
    const signing = await makeSigningCert(tmp)
    tokens = await startTokenServer(signing, USER, PASSWORD)
    addr = `127.0.0.1:${await freePort()}`
    const config = join(tmp, 'registry.yml')
    await writeFile(config, tokenRegistryConfig(tmp, addr, tokens.realm, signing.cert))
    registry = spawn('docker-registry', ['serve', config], { stdio: 'ignore' })
    const res = await waitForHttp(`http://${addr}/v2/`, 30_000)
    expect(res.status).toBe(401)
    baseRef = `${addr}/${uniqueRepo('busybox')}:1`
    await pushWithSkopeo(await writeBaseArchive(tmp), baseRef, `${USER}:${PASSWORD}`)
    probe = (await probeService(tmp)).runtime(baseRef)
  })
  afterAll(async () => {
    registry?.kill('SIGTERM')
    await tokens?.close()
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })

  it('pulls with a bearer token for the scope the registry named, and publishes with a push token', async () => {
    tokens.requests.length = 0
    const result = await probe.build({ engine: 'local', cacheDir: join(tmp, 'cache-ok'), ...right() })
    expect(result.images[0]!.config.User).toBe(BASE_USER)
    const pull = tokens.requests[0]!
    expect(pull.get('service')).toBe(TOKEN_SERVICE)
    expect(pull.getAll('scope')).toContain(`repository:${baseRef.slice(addr.length + 1, -2)}:pull`)

    const repo = uniqueRepo('probe')
    const ref = await result.publish(`${addr}/${repo}:1`, right())
    expect(tokens.requests.some((q) => q.getAll('scope').includes(`repository:${repo}:pull,push`))).toBe(true)
    const cfg = JSON.parse(await execOk('skopeo', ['inspect', '--config', '--tls-verify=false', '--creds', `${USER}:${PASSWORD}`, `docker://${byDigest(ref)}`])) as { config: { User: string } }
    expect(cfg.config.User).toBe(BASE_USER)
  })

  it('a wrong password is refused by the token service: REGISTRY_AUTH naming it', async () => {
    await expect(probe.build({ engine: 'local', cacheDir: join(tmp, 'cache-wrong'), registryAuth: { [addr]: { username: USER, password: 'wrong' } } })).rejects.toMatchObject({
      code: 'REGISTRY_AUTH',
      message: expect.stringContaining(`the token service of ${addr}`),
    })
  })

  it('no credentials at all: REGISTRY_AUTH that says how to log in', async () => {
    const err = await probe.build({ engine: 'local', cacheDir: join(tmp, 'cache-none'), env: { ...process.env, DOCKER_CONFIG: join(tmp, 'no-docker-config') } }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'REGISTRY_AUTH' })
    expect((err as { hint: string }).hint).toContain(`docker login ${addr}`)
  })
})
