// The registry client on a real network: through a fault-injecting hop in
// front of the real registry (429 with Retry-After, 503, resets, stalls, in
// a fixed pattern), through a real HTTP proxy (squid, which alone resolves
// the registry's name), and with every credential file.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishOciArchive } from '../../src/index.js'
import { pullImage } from '../../src/registry/pull-image.js'
import { RegistryTimeoutError } from '../../src/registry/registry-errors.js'
import { missing } from '../support/tools.js'
import { REGISTRY, freePort, missingRegistry } from '../support/runtime.js'
import { tlsServer } from '../support/tls-server.js'
import { AUTH_PASSWORD, AUTH_REGISTRY, AUTH_USER, missingAuthRegistry, uniqueRepo } from './registry-fixtures.js'
import { startRegistryProxy, type Fault } from './registry-proxy.js'
import { writeServiceArchives, type ServiceArchive } from './registry-net-fixtures.js'

const skip = await missingRegistry()
const AMD64 = [{ os: 'linux', architecture: 'amd64' }]

describe.skipIf(skip)('registry client on a real network', () => {
  let tmp: string
  let archives: ServiceArchive[]
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gostatic-e2e-net-'))
    archives = await writeServiceArchives(tmp, 10)
  })
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })

  it('pushes 10 services at once through 429s, 503s and resets, and pulls back the same digests', async () => {
    const clean = await Promise.all(archives.map((a, i) => publishOciArchive(a.path, `${REGISTRY}/${uniqueRepo(`clean${i}`)}:1`)))
    // A fixed pattern: the n-th request (counted by the hop) decides its fate, and a route (method and path,
    // the upload session's id left out) is faulted once at most, so every fault is one a retry gets past.
    let n = 0
    const faulted = new Set<string>()
    const fault = (line: string): Fault | undefined => {
      n++
      const route = line.replace(/\?.*$/, '').replace(/\/uploads\/[^/]+$/, '/uploads/')
      const pick = (f: Fault) => (faulted.has(route) ? undefined : (faulted.add(route), f))
      if (n % 11 === 5) return pick({ kind: 'status', status: 429, retryAfter: '1' })
      if (n % 7 === 3) return pick({ kind: 'status', status: 503 })
      if (n % 13 === 8) return pick({ kind: 'reset' })
      // Slow uploads, so that without the limit far more than two would overlap.
      if (/^(PUT|PATCH) .*\/blobs\/uploads\//.test(line)) return { kind: 'delay', ms: 150 }
      return undefined
    }
    const hop = await startRegistryProxy({ target: REGISTRY, fault })
    const repos = archives.map((_, i) => uniqueRepo(`svc${i}`))
    const opts = { registryConcurrency: 2, cacheDir: null }
    try {
      const pushed = await Promise.all(archives.map((a, i) => publishOciArchive(a.path, `${hop.address}/${repos[i]}:1`, opts)))
      expect(pushed.map((p) => p.digest)).toEqual(clean.map((c) => c.digest))
      const pulled = await Promise.all(repos.map((r) => pullImage(`${hop.address}/${r}:1`, AMD64, opts)))
      expect(pulled.map((p) => p.digest)).toEqual(clean.map((c) => c.digest))
      const kinds = new Set(hop.faults.map((f) => f.split(' ')[0]))
      expect([...kinds].sort()).toEqual(['delay', 'reset', 'status'])
      expect(hop.faults.some((f) => f.startsWith('status') && f.includes('/blobs/uploads/'))).toBe(true)
      expect(hop.maxTransfers).toBeGreaterThan(0)
      expect(hop.maxTransfers).toBeLessThanOrEqual(2)
    } finally {
      await hop.close()
    }
  })

  it('without a tight limit the same push overlaps more transfers (the limit is what holds them)', async () => {
    const hop = await startRegistryProxy({
      target: REGISTRY,
      fault: (l) => (/^(PUT|PATCH) .*\/blobs\/uploads\//.test(l) ? { kind: 'delay', ms: 150 } : undefined),
    })
    try {
      const opts = { registryConcurrency: 8, cacheDir: null }
      await Promise.all(archives.map((a, i) => publishOciArchive(a.path, `${hop.address}/${uniqueRepo(`wide${i}`)}:1`, opts)))
      expect(hop.maxTransfers).toBeGreaterThan(2)
      expect(hop.maxTransfers).toBeLessThanOrEqual(8)
    } finally {
      await hop.close()
    }
  })

  it('a stalled registry fails within the idle timeout with REGISTRY_TIMEOUT naming the URL', async () => {
    const repo = uniqueRepo('stall')
    await publishOciArchive(archives[0]!.path, `${REGISTRY}/${repo}:1`)
    const hop = await startRegistryProxy({ target: REGISTRY, fault: (l) => (l.includes('/manifests/') ? { kind: 'stall' } : undefined) })
    const t0 = Date.now()
    try {
      const opts = { cacheDir: null, registryTimeouts: { idleMs: 800 }, registryRetry: { tries: 2 } }
      const err = await pullImage(`${hop.address}/${repo}:1`, AMD64, opts).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(RegistryTimeoutError)
      expect(err).toMatchObject({ code: 'REGISTRY_TIMEOUT', timeout: 'idle', timeoutMs: 800 })
      expect((err as RegistryTimeoutError).url).toBe(`http://${hop.address}/v2/${repo}/manifests/1`)
      expect((err as Error).message).toContain('idle timeout (800 ms)')
      expect((err as Error).message).toContain('tried 2 times')
      expect(hop.requests.filter((r) => r.includes('/manifests/'))).toHaveLength(2)
    } finally {
      await hop.close()
    }
    // Two tries of 0.8 s and one backoff (at most 0.5 s): far from a hang.
    expect(Date.now() - t0).toBeLessThan(15_000)
  })

  it('after its tries the error names the request, every status seen and the tries', async () => {
    const hop = await startRegistryProxy({ target: REGISTRY, fault: (l) => (l.includes('/manifests/') ? { kind: 'status', status: 503 } : undefined) })
    try {
      const err = await pullImage(`${hop.address}/test/any:1`, AMD64, { cacheDir: null, registryRetry: { tries: 3 } }).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'REGISTRY_ERROR' })
      expect((err as Error).message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/v2\/test\/any\/manifests\/1 tried 3 times in [\d.]+ s \(saw 503, 503, 503\)/)
    } finally {
      await hop.close()
    }
  })

  it('an upload cut off mid-way starts again in a new session, and the pushed image is whole', async () => {
    let patches = 0
    // The second chunk of the whole push is reset: one blob's session breaks part-way.
    const hop = await startRegistryProxy({ target: REGISTRY, fault: (l) => (l.startsWith('PATCH') && ++patches === 2 ? { kind: 'reset' } : undefined) })
    const repo = uniqueRepo('restart')
    try {
      const opts = { cacheDir: null, chunkSize: 64 << 10, registryConcurrency: 1 }
      const pushed = await publishOciArchive(archives[2]!.path, `${hop.address}/${repo}:1`, opts)
      expect(hop.faults).toEqual([expect.stringMatching(/^reset PATCH \/v2\/.+\/blobs\/uploads\//)])
      // Three blobs (config, base, own layer), one of them started twice.
      expect(hop.requests.filter((r) => r.startsWith(`POST /v2/${repo}/blobs/uploads/`))).toHaveLength(4)
      expect((await pullImage(`${REGISTRY}/${repo}:1`, AMD64, { cacheDir: null })).digest).toBe(pushed.digest)
    } finally {
      await hop.close()
    }
  })

  it('a base layer already in another repository of the registry is mounted, not uploaded', async () => {
    const cacheDir = join(tmp, 'mount-cache')
    const hop = await startRegistryProxy({ target: REGISTRY })
    const [first, second] = [uniqueRepo('mount-a'), uniqueRepo('mount-b')]
    const base = archives[0]!.baseLayer
    try {
      await publishOciArchive(archives[0]!.path, `${hop.address}/${first}:1`, { cacheDir })
      const events: { action?: string; digest: string }[] = []
      await publishOciArchive(archives[1]!.path, `${hop.address}/${second}:1`, { cacheDir, onProgress: (e) => void events.push(e) })
      expect(events.find((e) => e.digest === base)).toMatchObject({ action: 'mounted', from: first })
      const mine = hop.requests.filter((r) => r.includes(`/v2/${second}/`))
      expect(mine).toContain(`POST /v2/${second}/blobs/uploads/?mount=${encodeURIComponent(base)}&from=${encodeURIComponent(first)}`)
      expect(mine.filter((r) => /^(PUT|PATCH) /.test(r) && r.includes(base.slice(7)))).toEqual([])
    } finally {
      await hop.close()
    }
  })
})

const proxySkip = skip || missing('squid', 'openssl') || (process.env.GOSTATIC_PROXY ? false : 'no GOSTATIC_PROXY (scripts/services.sh env)')

interface ChildResult {
  ok: boolean
  digest?: string
  code?: string
  message?: string
}
function child(args: string[], env: NodeJS.ProcessEnv): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/registry-net-child.ts', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    p.stdout.on('data', (d) => (out += d))
    p.stderr.on('data', (d) => (err += d))
    p.on('error', reject)
    p.on('close', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult)
      } catch {
        reject(new Error(`child printed no result: ${out}\n${err}`))
      }
    })
  })
}

describe.skipIf(proxySkip)('through an HTTP proxy (squid)', () => {
  const PROXY = process.env.GOSTATIC_PROXY ?? '127.0.0.1:3128'
  const HOST = process.env.GOSTATIC_PROXY_HOST ?? 'registry.gostatic.test'
  const LOG = process.env.GOSTATIC_PROXY_LOG ?? '/var/log/gostatic-squid/access.log'
  let tmp: string
  let archives: ServiceArchive[]
  let front: Awaited<ReturnType<typeof startRegistryProxy>>
  let caFile: string
  let env: NodeJS.ProcessEnv
  let seeded: { repo: string; digest: string }
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gostatic-e2e-proxy-'))
    archives = await writeServiceArchives(tmp, 2)
    // HTTPS to the registry's name (not loopback, so no plain HTTP), by a TLS front whose CA the child trusts.
    const tls = await tlsServer(tmp, 'unused', HOST)
    tls.server.close()
    caFile = join(tmp, 'ca.pem')
    await writeFile(caFile, tls.caPem)
    front = await startRegistryProxy({ target: REGISTRY, tls: tls.leaf })
    const repo = uniqueRepo('via-proxy')
    seeded = { repo, digest: (await publishOciArchive(archives[0]!.path, `${REGISTRY}/${repo}:1`)).digest }
    const base: NodeJS.ProcessEnv = { ...process.env, NODE_EXTRA_CA_CERTS: caFile }
    for (const k of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy']) delete base[k]
    env = base
  })
  afterAll(async () => {
    await front?.close()
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })
  const tunnels = async () =>
    (await readFile(LOG, 'utf8')).split('\n').filter((l) => l.includes(`CONNECT ${HOST}:${front.port}`)).length
  const settle = async (want: number) => {
    // squid writes a tunnel's line when it closes, just after the child exits.
    for (let i = 0; i < 50 && (await tunnels()) < want; i++) await new Promise((r) => setTimeout(r, 100))
    return tunnels()
  }

  it('pulls and pushes through HTTPS_PROXY, and the proxy carried every connection', async () => {
    const before = await tunnels()
    const ref = `${HOST}:${front.port}`
    const proxied = { ...env, HTTPS_PROXY: `http://${PROXY}` }
    const pulled = await child(['pull', `${ref}/${seeded.repo}:1`], proxied)
    expect(pulled).toEqual({ ok: true, digest: seeded.digest })
    // Lower case works too (Go reads both; upper case wins when both are set).
    const pushed = await child(['push', archives[1]!.path, `${ref}/${uniqueRepo('pushed-via-proxy')}:1`], { ...env, https_proxy: PROXY })
    expect(pushed).toMatchObject({ ok: true })
    expect(front.requests.some((r) => r.startsWith('PUT') && r.includes('/blobs/uploads/'))).toBe(true)
    // Every connection the registry's front accepted came through a CONNECT tunnel in squid's log.
    expect(front.connections).toBeGreaterThan(0)
    expect((await settle(before + front.connections)) - before).toBe(front.connections)
  })

  it('with NO_PROXY naming the host the proxy sees nothing (and the name does not resolve without it)', async () => {
    const before = await tunnels()
    const connections = front.connections
    const r = await child(['pull', `${HOST}:${front.port}/${seeded.repo}:1`], { ...env, HTTPS_PROXY: `http://${PROXY}`, NO_PROXY: `.test,${HOST}` })
    expect(r).toMatchObject({ ok: false, code: 'REGISTRY_UNREACHABLE', message: expect.stringMatching(/ENOTFOUND|EAI_AGAIN/) })
    expect(r.message).not.toContain('via proxy')
    await new Promise((res) => setTimeout(res, 500))
    expect(await tunnels()).toBe(before)
    expect(front.connections).toBe(connections)
  })

  it('names the proxy it used when the proxy cannot be reached', async () => {
    const dead = `127.0.0.1:${await freePort()}`
    const r = await child(['pull', `${HOST}:${front.port}/${seeded.repo}:1`], { ...env, HTTPS_PROXY: dead })
    expect(r).toMatchObject({ ok: false, code: 'REGISTRY_UNREACHABLE', message: expect.stringContaining(`via proxy http://${dead}`) })
  })
})

const authSkip = skip || (await missingAuthRegistry())

describe.skipIf(authSkip)('credential files, in their order', () => {
  let tmp: string
  let repo: string
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gostatic-e2e-creds-'))
    const [a] = await writeServiceArchives(tmp, 1)
    repo = uniqueRepo('creds')
    const registryAuth = { [AUTH_REGISTRY]: { username: AUTH_USER, password: AUTH_PASSWORD } }
    await publishOciArchive(a!.path, `${AUTH_REGISTRY}/${repo}:1`, { registryAuth })
  })
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })
  const authJson = (password: string) =>
    JSON.stringify({ auths: { [AUTH_REGISTRY]: { auth: Buffer.from(`${AUTH_USER}:${password}`).toString('base64') } } })
  async function files(good: 'authfile' | 'xdg' | 'docker', bad: ('authfile' | 'xdg' | 'docker')[]) {
    const dir = await mkdtemp(join(tmp, 'env-'))
    const paths = { authfile: join(dir, 'auth.json'), xdg: join(dir, 'run', 'containers', 'auth.json'), docker: join(dir, 'docker', 'config.json') }
    for (const k of [good, ...bad]) {
      await mkdir(join(paths[k], '..'), { recursive: true })
      await writeFile(paths[k], authJson(k === good ? AUTH_PASSWORD : 'wrong-password'))
    }
    const env = { HOME: dir, REGISTRY_AUTH_FILE: paths.authfile, XDG_RUNTIME_DIR: join(dir, 'run'), DOCKER_CONFIG: join(dir, 'docker') }
    return { env, paths }
  }
  const pull = (env: NodeJS.ProcessEnv) => pullImage(`${AUTH_REGISTRY}/${repo}:1`, AMD64, { cacheDir: null, env })

  it.each(['authfile', 'xdg', 'docker'] as const)('uses %s when it is the only file', async (which) => {
    const { env } = await files(which, [])
    await expect(pull(env)).resolves.toMatchObject({ digest: expect.stringMatching(/^sha256:/) })
  })

  it('REGISTRY_AUTH_FILE wins over XDG_RUNTIME_DIR, which wins over DOCKER_CONFIG; registryAuth over all', async () => {
    await expect(pull((await files('authfile', ['xdg', 'docker'])).env)).resolves.toBeDefined()
    await expect(pull((await files('xdg', ['docker'])).env)).resolves.toBeDefined()
    const { env, paths } = await files('docker', ['xdg'])
    await expect(pull(env)).rejects.toMatchObject({ code: 'REGISTRY_AUTH', message: expect.stringContaining(paths.xdg) })
    const wrongEverywhere = (await files('docker', ['authfile'])).env
    await expect(pull(wrongEverywhere)).rejects.toMatchObject({ message: expect.stringContaining('auth.json') })
    const registryAuth = { [AUTH_REGISTRY]: { username: AUTH_USER, password: AUTH_PASSWORD } }
    const opts = { cacheDir: null, env: wrongEverywhere, registryAuth }
    await expect(pullImage(`${AUTH_REGISTRY}/${repo}:1`, AMD64, opts)).resolves.toBeDefined()
  })
})
