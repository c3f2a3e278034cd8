// The Dagger engine does what the local engine does for the same spec: the
// plan's files on an image base, the same annotations, and UPX's "can't pack"
// kept as a warning. 127.0.0.1:5000/library/alpine:3.20 is the registry's
// busybox stand-in for alpine (see scripts/builder-image.sh).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createHash } from 'node:crypto'
import { connection, dag } from '@dagger.io/dagger'
import { goService, type BuildResult, type GoService } from '../../src/index.js'
import type { EngineEvent } from '../../src/engines/events.js'
import { caBundle } from '../../src/engines/runtime-files.js'
import { readElf } from '../../src/inspect/elf-reader.js'
import { builderImage, missingDagger } from '../support/dagger.js'
import { missing } from '../support/tools.js'
import { execOk } from '../support/runtime.js'
import { imageFiles } from '../support/image-files.js'
import { AUTH_PASSWORD, AUTH_REGISTRY, AUTH_USER, skopeoRaw, uniqueRepo } from '../e2e/registry-fixtures.js'

const REGISTRY = process.env['GOSTATIC_REGISTRY'] ?? '127.0.0.1:5000'
const BASE = `${REGISTRY}/library/alpine:3.20`
const skip = missingDagger() || missing('go', 'strip', 'upx', 'skopeo')
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-dagger-parity-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const src = join(tmp, 'hello')
const CONFIG = 'greeting = "hello"\n'
beforeAll(() => {
  cpSync(resolve('examples/hello'), src, { recursive: true })
  mkdirSync(join(src, 'config'))
  writeFileSync(join(src, 'config', 'app.toml'), CONFIG)
})

const hello = (): GoService => goService({ name: 'hello', source: src }).builderImage(builderImage()).ldflags({ X: { 'main.version': '1.0.0' } })
const onBase = () => hello().runtime(BASE).caCertificates(true).copy('config/app.toml', '/etc/hello/app.toml', 0o640).strip()
const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex')

describe.skipIf(skip)('dagger engine: image runtime base', () => {
  let local: BuildResult
  let dagger: BuildResult
  let localTar: string
  let daggerTar: string
  beforeAll(async () => {
    // pull: 'always', as Dagger resolves the tag on every build: with 'missing' the local engine would keep a
    // digest an earlier run cached for the tag, and the registry's stand-in base is rebuilt on a fresh machine.
    const fresh = onBase().build({ engine: 'local', pull: 'always' })
    ;[local, dagger] = await Promise.all([fresh, onBase().build({ engine: 'dagger' })])
    localTar = (await local.exportTarball(join(tmp, 'base-local.tar'))).path
    daggerTar = (await dagger.exportTarball(join(tmp, 'base-dagger.tar'))).path
  })

  it('adds the CA bundle and copy() files on top of the pulled base', async () => {
    const files = await imageFiles(daggerTar)
    expect(files.get('/etc/ssl/certs/ca-certificates.crt')).toMatchObject({ type: 'file', mode: '644', uid: 0, gid: 0, sha256: sha256(caBundle()) })
    expect(files.get('/etc/hello/app.toml')).toMatchObject({ type: 'file', mode: '640', uid: 0, gid: 0, sha256: sha256(CONFIG) })
    // The base is still there underneath.
    expect(files.get('/bin/busybox')).toMatchObject({ type: 'file' })
  })

  it('holds the same files as the local engine image', async () => {
    const a = await imageFiles(localTar)
    const b = await imageFiles(daggerTar)
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort())
    for (const [path, f] of a) expect({ path, ...b.get(path) }).toEqual({ path, ...f })
  })

  it('writes the same annotations as the local engine, with the base it resolved', async () => {
    const digest = JSON.parse(await execOk('skopeo', ['inspect', '--tls-verify=false', `docker://${BASE}`])).Digest as string
    expect(dagger.images[0]!.annotations).toEqual(local.images[0]!.annotations)
    expect(dagger.images[0]!.annotations).toEqual({
      'org.opencontainers.image.base.name': BASE,
      'org.opencontainers.image.base.digest': digest,
      'dev.gostatic.verified': 'static x86_64, CGO_ENABLED=0 -trimpath=true GOOS=linux GOARCH=amd64',
      'dev.gostatic.strip': 'stripped',
      'dev.gostatic.upx': 'not requested',
      // The stand-in has a CA bundle, passwd and /tmp; no zones, /etc/services or nsswitch.conf. Its
      // SSL_CERT_FILE names the bundle it holds (env-paths).
      'dev.gostatic.needs':
        'zoneinfo=unmet ca-roots=met users=met name-resolution=unmet service-names=unmet env-paths=met',
    })
  })
})

describe.skipIf(skip)('dagger engine: same verdicts as the local engine', () => {
  it('writes the same annotations and report verdicts for a packed, stripped static image', async () => {
    const svc = hello().runtime('static').strip().upx().annotations({ 'org.opencontainers.image.source': 'https://example.com/hello' })
    const [local, dagger] = await Promise.all([svc.build({ engine: 'local' }), svc.build({ engine: 'dagger' })])
    expect(dagger.images[0]!.annotations).toEqual(local.images[0]!.annotations)
    expect(dagger.images[0]!.annotations).toMatchObject({ 'org.opencontainers.image.source': 'https://example.com/hello', 'dev.gostatic.strip': 'stripped', 'dev.gostatic.upx': 'packed' })
    const verdicts = (r: BuildResult) => r.report.targets.map((t) => ({ strip: t.strip, upx: t.upx, upxElf: t.elf.upx, stripped: t.sizes.stripped !== null, packed: t.sizes.packed !== null }))
    expect(verdicts(dagger)).toEqual(verdicts(local))
    expect(readElf(dagger.images[0]!.binary.bytes).upx).toBe(true)
  })
})

describe.skipIf(skip)('dagger engine: strip outcome', () => {
  it('says which tool stripped, and warns when no tool in the builder reads the ELF', async () => {
    const events: EngineEvent[] = []
    // The test builder has GNU binutils for its own arch only: it strips amd64 and cannot read arm64.
    const r = await hello().platforms('linux/amd64', 'linux/arm64').strip().build({ engine: 'dagger', onEvent: (e) => events.push(e) })
    const strips = events.filter((e) => e.kind === 'step-done' && e.step === 'strip').map((e) => [e.kind === 'step-done' && e.platform, e.kind === 'step-done' && e.detail])
    expect(strips).toEqual([
      ['linux/amd64', expect.stringMatching(/^\d+ → \d+ bytes with strip$/)],
      ['linux/arm64', 'skipped'],
    ])
    const [amd, arm] = r.report.targets
    expect(amd).toMatchObject({ strip: 'stripped', sizes: { stripped: expect.any(Number) } })
    expect(amd!.sizes.stripped).toBeLessThan(amd!.sizes.built)
    expect(arm).toMatchObject({ strip: 'skipped', sizes: { stripped: null } })
    const warning = r.report.warnings.find((w) => w.startsWith('hello (linux/arm64): no strip that reads'))
    expect(warning).toContain('[strip: ')
    expect(events).toContainEqual({ kind: 'warning', service: 'hello', platform: 'linux/arm64', message: warning })
    expect(r.images.map((i) => i.annotations['dev.gostatic.strip'])).toEqual(['stripped', 'skipped'])
  })
})

describe.skipIf(skip)("dagger engine: UPX can't pack", () => {
  // A builder whose binaries arrive already packed: its `upx` wrapper packs
  // the input in place with the real upx, then runs the real upx as asked,
  // which refuses with its own AlreadyPackedException.
  let prepacked: string
  beforeAll(async () => {
    const wrapper = '#!/bin/sh\nfor last; do :; done\ncase " $* " in *" -o "*) /usr/bin/upx -q "$last" >/dev/null 2>&1 ;; esac\nexec /usr/bin/upx "$@"\n'
    await connection(async () => {
      prepacked = await dag
        .container()
        .from(builderImage())
        .withNewFile('/usr/local/bin/upx', wrapper, { permissions: 0o755 })
        .publish(`${REGISTRY}/test/go-builder-prepacked-${process.pid}:1`)
    })
  })

  it('keeps the unpacked binary and warns, as the local engine does', async () => {
    const events: EngineEvent[] = []
    const r = await hello().builderImage(prepacked).upx().build({ engine: 'dagger', onEvent: (e) => events.push(e) })
    const reason = "upx can't pack hello (linux/amd64): AlreadyPackedException"
    expect(r.report.targets[0]).toMatchObject({ upx: 'kept unpacked', sizes: { packed: null }, elf: { upx: false, isStatic: true } })
    expect(r.report.warnings.filter((w) => w.startsWith("upx can't pack"))).toEqual([expect.stringContaining(reason)])
    expect(events).toContainEqual({ kind: 'warning', service: 'hello', platform: 'linux/amd64', message: expect.stringContaining(reason) })
    expect(r.images[0]!.annotations['dev.gostatic.upx']).toBe('kept unpacked')
    expect(readElf(r.images[0]!.binary.bytes).upx).toBe(false)
  })

  it('fails with UPX_FAILED when the pack is required', async () => {
    const e = await hello().builderImage(prepacked).upx({ required: true }).build({ engine: 'dagger' }).then(() => undefined, (x: unknown) => x)
    expect(e).toMatchObject({ code: 'UPX_FAILED', message: 'upx failed on hello (linux/amd64) (AlreadyPackedException; upx({ required: true }) makes this fatal)' })
  })
})

describe.skipIf(skip)('dagger engine: build options', () => {
  it('refuses a SOURCE_DATE_EPOCH that is not whole seconds, as the local engine does', async () => {
    const env = { ...process.env, SOURCE_DATE_EPOCH: '2024-01-01' }
    for (const engine of ['local', 'dagger'] as const) {
      const e = await hello().build({ engine, env }).then(() => undefined, (x: unknown) => x)
      expect(e, engine).toMatchObject({ code: 'INVALID_CONFIG', message: "SOURCE_DATE_EPOCH must be whole seconds since 1970, got '2024-01-01'" })
    }
  })

  it("publishes with the registry credentials the build was given, not the user's docker config", async () => {
    const noDockerLogin = join(tmp, 'docker-config')
    mkdirSync(noDockerLogin, { recursive: true })
    const r = await hello().build({ engine: 'dagger', dockerConfig: noDockerLogin, registryAuth: { [AUTH_REGISTRY]: { username: AUTH_USER, password: AUTH_PASSWORD } } })
    const ref = await r.publish(`${AUTH_REGISTRY}/${uniqueRepo('dagger-publish')}:1`)
    expect(ref).toMatch(/@sha256:[0-9a-f]{64}$/)
    expect((await skopeoRaw(ref, `${AUTH_USER}:${AUTH_PASSWORD}`)).mediaType).toMatch(/manifest|index/)
  })
})
