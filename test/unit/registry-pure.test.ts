// The pure parts of registry access: WWW-Authenticate parsing, docker
// config lookup, platform matching, loopback detection, env merging.
import { describe, expect, it } from 'vitest'
import { parseWwwAuthenticate } from '../../src/registry/www-authenticate.js'
import { configKeyHost, credentialSource, DOCKER_HUB_SERVER } from '../../src/registry/docker-config.js'
import { matchesPlatform, pickPlatform } from '../../src/registry/platform-match.js'
import { isLoopbackRegistry, registryBaseUrl } from '../../src/registry/endpoint.js'
import { configOnBase, mergeEnv } from '../../src/engines/local/base-image.js'
import type { IndexDoc } from '../../src/oci/media-types.js'

describe('WWW-Authenticate', () => {
  it("reads Docker Hub's bearer challenge", () => {
    expect(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } },
    ])
  })
  it('reads Basic, several challenges, unquoted values, escapes and odd spacing', () => {
    expect(parseWwwAuthenticate('Basic realm="Registry Realm"')).toEqual([{ scheme: 'basic', params: { realm: 'Registry Realm' } }])
    expect(parseWwwAuthenticate('Basic realm="a, b", Bearer realm=https://x/token , Service="s\\"q"')).toEqual([
      { scheme: 'basic', params: { realm: 'a, b' } },
      { scheme: 'bearer', params: { realm: 'https://x/token', service: 's"q' } },
    ])
    expect(parseWwwAuthenticate('bearer  realm = "r" ,scope="repository:a:pull,push"')).toEqual([{ scheme: 'bearer', params: { realm: 'r', scope: 'repository:a:pull,push' } }])
  })
  it('gives nothing for nothing, and never loops on garbage', () => {
    expect(parseWwwAuthenticate(null)).toEqual([])
    expect(parseWwwAuthenticate('')).toEqual([])
    expect(parseWwwAuthenticate('"=,=@@ Negotiate abc==').map((c) => c.scheme)).toEqual(['negotiate'])
  })
})

describe('docker config.json', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64')
  it("finds inline auths by host, by URL key, and Docker Hub's legacy key", () => {
    const cfg = { auths: { 'https://127.0.0.1:5001/v1/': { auth: b64('u:p:with:colons') }, [DOCKER_HUB_SERVER]: { auth: b64('hub:secret') } } }
    expect(credentialSource(cfg, '127.0.0.1:5001')).toMatchObject({ kind: 'inline', credentials: { username: 'u', password: 'p:with:colons' } })
    expect(credentialSource(cfg, 'docker.io')).toMatchObject({ kind: 'inline', credentials: { username: 'hub', password: 'secret' } })
    expect(credentialSource(cfg, 'ghcr.io')).toEqual({ kind: 'none' })
    expect(credentialSource(undefined, 'ghcr.io')).toEqual({ kind: 'none' })
  })
  it('prefers credHelpers, skips the empty entries credsStore leaves, then falls back to credsStore', () => {
    const cfg = { auths: { 'ghcr.io': {}, 'quay.io': { identitytoken: 'tok' } }, credHelpers: { 'gcr.io': 'gcloud' }, credsStore: 'pass' }
    expect(credentialSource(cfg, 'gcr.io')).toEqual({ kind: 'helper', helper: 'gcloud', serverUrl: 'gcr.io' })
    expect(credentialSource(cfg, 'ghcr.io')).toEqual({ kind: 'helper', helper: 'pass', serverUrl: 'ghcr.io' })
    expect(credentialSource(cfg, 'quay.io')).toMatchObject({ kind: 'inline', credentials: { identityToken: 'tok' } })
    expect(credentialSource(cfg, 'docker.io')).toEqual({ kind: 'helper', helper: 'pass', serverUrl: DOCKER_HUB_SERVER })
  })
  it('refuses an auth that is not base64 user:password, naming the entry', () => {
    expect(() => credentialSource({ auths: { 'x.io': { auth: b64('nocolon') } } }, 'x.io', '/h/.docker/config.json')).toThrow(/config\.json auths\["x\.io"\]: 'auth' is not base64 of user:password/)
  })
  it('maps keys to hosts like docker does', () => {
    expect(configKeyHost('https://index.docker.io/v1/')).toBe('docker.io')
    expect(configKeyHost('registry-1.docker.io')).toBe('docker.io')
    expect(configKeyHost('http://localhost:5000/')).toBe('localhost:5000')
  })
})

describe('platform matching', () => {
  const index: IndexDoc = {
    manifests: [
      { digest: 'sha256:a', size: 1, platform: { os: 'linux', architecture: 'amd64' } },
      { digest: 'sha256:b', size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { digest: 'sha256:c', size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
      { digest: 'sha256:d', size: 1, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
    ],
  }
  it('picks by os and architecture, arm64 with or without v8', () => {
    expect(pickPlatform(index, { os: 'linux', architecture: 'amd64' })).toMatchObject({ ok: true, descriptor: { digest: 'sha256:a' } })
    expect(pickPlatform(index, { os: 'linux', architecture: 'arm64' })).toMatchObject({ ok: true, descriptor: { digest: 'sha256:b' } })
  })
  it('does not run arm/v7 on an arm/v6 image, and lists what there is, without attestations', () => {
    expect(pickPlatform(index, { os: 'linux', architecture: 'arm', variant: 'v7' })).toEqual({ ok: false, available: ['linux/amd64', 'linux/arm/v6', 'linux/arm64/v8'] })
  })
  it('treats a config without variant as arm/v7 and amd64/v1 as amd64', () => {
    expect(matchesPlatform({ os: 'linux', architecture: 'arm', variant: 'v7' }, { os: 'linux', architecture: 'arm' })).toBe(true)
    expect(matchesPlatform({ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'amd64', variant: 'v1' })).toBe(true)
    expect(matchesPlatform({ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'amd64', variant: 'v3' })).toBe(false)
  })
})

describe('plain HTTP only for loopback registries', () => {
  it.each([
    ['127.0.0.1:5000', true], ['127.1.2.3', true], ['localhost:5000', true], ['localhost', true], ['[::1]:5000', true],
    ['128.0.0.1:5000', false], ['127.0.0.256', false], ['localhost.example.com', false], ['myregistry:5000', false], ['10.0.0.1', false], ['[::2]:5000', false],
  ])('%s loopback=%s', (registry, loopback) => {
    expect(isLoopbackRegistry(registry)).toBe(loopback)
    expect(registryBaseUrl(registry).startsWith(loopback ? 'http://' : 'https://')).toBe(true)
  })
  it("talks to Docker Hub's API host", () => {
    expect(registryBaseUrl('docker.io')).toBe('https://registry-1.docker.io')
  })
})

describe('an image base keeps its config unless the plan overrides it', () => {
  const plan = { entrypoint: ['/app'], cmd: [], env: ['SHARED=app', 'NEW=1'], user: null, workdir: '/', exposedPorts: ['8080/tcp'], labels: { b: 'plan', c: 'plan' } }
  it('merges env by key: base order kept, the plan wins, new keys appended', () => {
    expect(mergeEnv(['PATH=/bin', 'SHARED=base', 'X=a=b'], ['SHARED=app', 'NEW=1'])).toEqual(['PATH=/bin', 'SHARED=app', 'X=a=b', 'NEW=1'])
  })
  it("keeps the base user when the plan has none, drops the base's CMD, adds ports and labels", () => {
    const base = { Env: ['PATH=/bin', 'SHARED=base'], User: '4242', Cmd: ['/bin/sh'], Entrypoint: ['/bin/x'], ExposedPorts: { '9999/tcp': {} }, Labels: { a: 'base', b: 'base' } }
    expect(configOnBase(base, plan)).toEqual({
      Entrypoint: ['/app'], Env: ['PATH=/bin', 'SHARED=app', 'NEW=1'], User: '4242', WorkingDir: '/',
      ExposedPorts: { '8080/tcp': {}, '9999/tcp': {} }, Labels: { a: 'base', b: 'plan', c: 'plan' },
    })
    expect(configOnBase(base, { ...plan, user: '65532:65532', cmd: ['-v'] })).toMatchObject({ User: '65532:65532', Cmd: ['-v'] })
    expect(configOnBase(undefined, plan)).not.toHaveProperty('User')
  })
})

describe('docker config validation', () => {
  it('names the bad key instead of failing with a TypeError', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { readDockerConfig } = await import('../../src/registry/docker-config.js')
    const dir = mkdtempSync(join(tmpdir(), 'gostatic-dockercfg-'))
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': null } }))
    await expect(readDockerConfig(dir)).rejects.toThrow(/docker config .*config\.json: at auths\["ghcr\.io"\]: .*expected object/)
  })
})
