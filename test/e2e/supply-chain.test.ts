// Signed, attested images checked by the real cosign (scripts/cosign.sh):
// a two-platform image pushed to the loopback registry verifies by tag and by
// each platform digest, its attestations verify by type, and a tampered
// manifest or another key does not. Two checkouts of one commit give the
// same SBOM and provenance bytes; a real secret value never shows up; bad
// keys and a registry that refuses a tag leave nothing half-attached.
import { randomBytes, generateKeyPairSync } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goService, type BuildResult } from '../../src/index.js'
import { readOciArchive } from '../../src/oci/oci-reader.js'
import { missing } from '../support/tools.js'
import { missingCosign } from '../support/cosign.js'
import { REGISTRY, exec, execOk, missingRegistry } from '../support/runtime.js'
import { inspect } from '../../src/inspect/inspect.js'
import { cyclonedxErrors, spdxErrors } from '../support/sbom-schemas.js'
import { tagExists, uniqueRepo } from './registry-fixtures.js'
import { startRegistryProxy } from './registry-proxy.js'
import { checkout, cosign, cosignKeyPair, gitOrigin, putManifest, rawManifest } from './supply-chain-fixtures.js'
import { withGo } from '../support/go-seam.js'

const skip = missing('go', 'git') || missingCosign() || (await missingRegistry())
const PASSWORD = `pw-${randomBytes(4).toString('hex')}`
const verifyFlags = ['--insecure-ignore-tlog']

describe.skipIf(skip)('supply chain: SBOMs, provenance and signatures, verified by cosign', () => {
  let tmp: string
  let origin: string
  let keys: { key: string; pub: string }
  let other: { key: string; pub: string }
  let src: string
  let signed: BuildResult
  const svc = (source: string) => goService({ name: 'hello', source }).platforms('linux/amd64', 'linux/arm64').sbom(['spdx', 'cyclonedx'])

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gostatic-e2e-attest-'))
    origin = await gitOrigin(tmp)
    keys = await cosignKeyPair(join(tmp, 'keys'), PASSWORD)
    other = await cosignKeyPair(join(tmp, 'other'), PASSWORD)
    src = await checkout(origin, join(tmp, 'a'))
    signed = await svc(src).build({ engine: 'local', cacheDir: join(tmp, 'cache'), sign: { key: keys.key, password: PASSWORD } })
  })
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })

  it('cosign verify --key passes for the tag and for each platform digest; attestations verify by type', async () => {
    const repo = uniqueRepo('signed')
    const ref = await signed.publish(`${REGISTRY}/${repo}:1`)
    const index = JSON.parse((await rawManifest(repo, '1')).bytes.toString()) as { manifests: { digest: string }[] }
    expect(index.manifests).toHaveLength(2)
    const byTag = `${REGISTRY}/${repo}:1`
    for (const target of [byTag, ...index.manifests.map((m) => `${REGISTRY}/${repo}@${m.digest}`)]) {
      const v = await cosign(['verify', '--key', keys.pub, ...verifyFlags, target])
      expect(v.exitCode, v.stderr).toBe(0)
      // The verified payload names the digest asked about: the index for the tag.
      expect(v.stdout).toContain(target === byTag ? ref.split('@')[1]! : target.split('@')[1]!)
      for (const type of ['slsaprovenance1', 'spdxjson', 'cyclonedx']) {
        const a = await cosign(['verify-attestation', '--key', keys.pub, ...verifyFlags, '--type', type, target])
        expect(a.exitCode, `${type} ${target}: ${a.stderr}`).toBe(0)
      }
    }
    // The provenance cosign checked is the build's own, byte for byte.
    const att = await cosign(['verify-attestation', '--key', keys.pub, ...verifyFlags, '--type', 'slsaprovenance1', byTag])
    const payload = Buffer.from((JSON.parse(att.stdout.trim().split('\n')[0]!) as { payload: string }).payload, 'base64')
    expect(payload.equals((await signed.supplyChain()).provenance)).toBe(true)
  })

  it('another key, or a tampered manifest carrying the original signature, fails verification', async () => {
    const repo = uniqueRepo('tamper')
    await signed.publish(`${REGISTRY}/${repo}:1`)
    const wrong = await cosign(['verify', '--key', other.pub, ...verifyFlags, `${REGISTRY}/${repo}:1`])
    expect(wrong.exitCode).not.toBe(0)
    expect(wrong.stderr).toMatch(/no matching signatures|invalid signature/i)
    const wrongAtt = await cosign(['verify-attestation', '--key', other.pub, ...verifyFlags, '--type', 'slsaprovenance1', `${REGISTRY}/${repo}:1`])
    expect(wrongAtt.exitCode).not.toBe(0)

    const index = JSON.parse((await rawManifest(repo, '1')).bytes.toString()) as { manifests: { digest: string }[] }
    const original = index.manifests[0]!.digest
    const m = JSON.parse((await rawManifest(repo, original)).bytes.toString()) as { annotations: Record<string, string> }
    m.annotations['dev.gostatic.verified'] = 'tampered'
    const tamperedBytes = Buffer.from(JSON.stringify(m))
    await putManifest(repo, 'tampered', tamperedBytes)
    const tampered = (await rawManifest(repo, 'tampered')).digest!
    expect(tampered).not.toBe(original)
    const sig = await rawManifest(repo, `sha256-${original.slice(7)}.sig`)
    await putManifest(repo, `sha256-${tampered.slice(7)}.sig`, sig.bytes)
    const v = await cosign(['verify', '--key', keys.pub, ...verifyFlags, `${REGISTRY}/${repo}@${tampered}`])
    expect(v.exitCode).not.toBe(0)
    expect(v.stderr).toMatch(/invalid or missing digest in claim|no matching signatures/i)
    // The untouched platform still verifies.
    expect((await cosign(['verify', '--key', keys.pub, ...verifyFlags, `${REGISTRY}/${repo}@${original}`])).exitCode).toBe(0)
  })

  it('two checkouts of one commit at different paths give identical SBOM and provenance bytes, valid against the schemas', async () => {
    const b = await checkout(origin, join(tmp, 'b', 'elsewhere'))
    const other = await svc(b).build({ engine: 'local', cacheDir: join(tmp, 'cache-b') })
    const [x, y] = [await signed.supplyChain(), await other.supplyChain()]
    expect(y.provenance.equals(x.provenance)).toBe(true)
    expect(y.sboms.map((s) => s.bytes.toString())).toEqual(x.sboms.map((s) => s.bytes.toString()))
    expect(x.sboms.map((s) => `${s.platform} ${s.format}`)).toEqual(['linux/amd64 spdx', 'linux/amd64 cyclonedx', 'linux/arm64 spdx', 'linux/arm64 cyclonedx'])
    for (const s of x.sboms) {
      const doc = JSON.parse(s.bytes.toString())
      expect(s.format === 'spdx' ? spdxErrors(doc) : cyclonedxErrors(doc)).toEqual([])
    }
    const st = JSON.parse(x.provenance.toString())
    const source = st.predicate.buildDefinition.resolvedDependencies.find((d: { name: string }) => d.name === 'source')
    const head = (await import('node:child_process')).execFileSync('git', ['-C', src, 'rev-parse', 'HEAD']).toString().trim()
    expect(source).toEqual({ name: 'source', uri: `git+${origin}`, digest: { gitCommit: head }, annotations: { dirty: false, path: 'hello' } })
    expect(st.predicate.buildDefinition.externalParameters.spec).toMatchObject({ name: 'hello', source: 'hello', sbom: ['spdx', 'cyclonedx'] })
    const spdx = JSON.parse(x.sboms[0]!.bytes.toString())
    expect(spdx.packages.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['example.com/hello', '../greet', 'stdlib']))
    expect(spdx.files.map((f: { fileName: string }) => f.fileName)).toContain('./etc/ssl/certs/ca-certificates.crt')
  })

  it('a dirty work tree is recorded as dirty', async () => {
    const c = await checkout(origin, join(tmp, 'dirty'))
    await writeFile(join(c, 'extra.go'), 'package main\n')
    const r = await goService({ name: 'hello', source: c }).build({ engine: 'local', cacheDir: join(tmp, 'cache') })
    const st = JSON.parse((await r.supplyChain()).provenance.toString())
    expect(st.predicate.buildDefinition.resolvedDependencies[0].annotations.dirty).toBe(true)
  })

  it('a real secret value appears in no SBOM, provenance or attached artefact', async () => {
    const secret = `s3cr3t-${randomBytes(12).toString('hex')}`
    const env = { ...process.env, GOSTATIC_TEST_TOKEN: secret, COSIGN_PASSWORD: PASSWORD }
    const r = await goService({ name: 'hello', source: src })
      .secret({ id: 'token', from: { env: 'GOSTATIC_TEST_TOKEN' }, as: { env: 'GOPRIVATE_TOKEN' } })
      .build({ engine: 'local', cacheDir: join(tmp, 'cache'), env, sign: { key: keys.key } })
    const out = await r.exportTarball(join(tmp, 'secret.tar'), { attach: true })
    const archive = await readFile(out.path)
    expect((await readOciArchive(out.path)).attachments.map((a) => a.kind).sort()).toEqual(['att', 'sbom', 'sig'])
    const docs = await r.supplyChain()
    expect(docs.provenance.toString()).toContain('GOSTATIC_TEST_TOKEN')
    for (const haystack of [archive, docs.provenance, ...docs.sboms.map((s) => s.bytes)]) {
      expect(haystack.includes(secret)).toBe(false)
      expect(haystack.includes(Buffer.from(secret).toString('base64'))).toBe(false)
    }
    // The attestations are base64 inside their envelopes: decode and look again.
    const text = archive.toString('latin1')
    for (const m of text.matchAll(/"payload":"([A-Za-z0-9+/=]+)"/g)) expect(Buffer.from(m[1]!, 'base64').includes(secret)).toBe(false)
  })

  it('bad keys fail before any compile: a missing file, a key not on P-256, a wrong cosign password', async () => {
    let compiled = 0
    const runGo = async () => ((compiled += 1), { cmd: ['go'], exitCode: 1, signal: null, stdout: '', stderr: 'not reached' })
    const p384 = join(tmp, 'p384.pem')
    await writeFile(p384, generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }))
    const cases: [string, { key: string; password?: string }, string, RegExp][] = [
      ['missing', { key: join(tmp, 'no-such.key') }, 'INPUT_NOT_FOUND', /sign\.key: cannot read the key file .*no-such\.key: no such file/],
      ['P-384', { key: p384 }, 'SIGNING_KEY', /is an EC key on curve secp384r1; gostatic signs with an ECDSA P-256/],
      ['password', { key: keys.key, password: 'not-it' }, 'SIGNING_KEY', /wrong password for this cosign key/],
    ]
    for (const [, sign, code, message] of cases)
      await expect(goService({ name: 'hello', source: src }).build({ engine: 'local', cacheDir: null, sign, ...withGo(runGo) })).rejects.toMatchObject({ code, message: expect.stringMatching(message) })
    expect(compiled).toBe(0)
  })

  it('gostatic sbom describes a binary gostatic did not build, and an exported archive per platform; inspect lists the attachments', async () => {
    const bin = join(tmp, 'plain-hello')
    await execOk('go', ['-C', src, 'build', '-o', bin, '.'], { env: { ...process.env, CGO_ENABLED: '0' } })
    const r = await exec(process.execPath, ['bin/gostatic.js', 'sbom', bin])
    expect(r.exitCode, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(spdxErrors(doc)).toEqual([])
    expect(doc.packages.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['example.com/hello', '../greet', 'stdlib']))
    const tar = (await signed.exportTarball(join(tmp, 'attached.tar'), { attach: true })).path
    const out = join(tmp, 'sboms')
    const c = await exec(process.execPath, ['bin/gostatic.js', 'sbom', tar, '--format', 'cyclonedx', '--out', out])
    expect(c.exitCode, c.stderr).toBe(0)
    for (const p of ['linux-amd64', 'linux-arm64']) expect(cyclonedxErrors(JSON.parse(await readFile(join(out, `${p}.cdx.json`), 'utf8')))).toEqual([])
    const report = await inspect(tar)
    expect(report.kind === 'image' && report.attachments.map((a) => a.kind)).toEqual(['sig', 'sig', 'sig', 'att', 'att', 'att', 'sbom', 'sbom', 'sbom'])
    // The image itself reads as before: two platforms, the same top digest as without attachments.
    expect(report.kind === 'image' && report.platforms.length).toBe(2)
    expect(report.kind === 'image' && report.digest).toBe((await signed.exportTarball(join(tmp, 'plain.tar'))).indexDigest)
  })

  it.each([
    ['.sig', /\/manifests\/sha256-[0-9a-f]{64}\.sig$/, 'no attachment tag was written'],
    ['.att', /\/manifests\/sha256-[0-9a-f]{64}\.att$/, 'attachment tag(s) written before were removed'],
  ])('a registry that refuses the %s tag: a clear error, no image tag and no attachment tag left', async (_what, path, undone) => {
    const proxy = await startRegistryProxy({ target: REGISTRY, refuse: new RegExp(`^PUT .*${path.source}`) })
    const repo = uniqueRepo('refused')
    try {
      const err = await signed.publish(`${proxy.address}/${repo}:1`).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'REGISTRY_AUTH', message: expect.stringMatching(/attaching sha256-[0-9a-f]{64}\.(sig|att) to .* failed: .*DENIED.*; the image tag 1 was not written/) })
      expect((err as Error).message).toContain(undone)
    } finally {
      await proxy.close()
    }
    expect(await tagExists(REGISTRY, repo, '1')).toBe(false)
    const tags = await fetch(`http://${REGISTRY}/v2/${repo}/tags/list`).then((r) => r.json() as Promise<{ tags: string[] | null }>)
    expect(tags.tags ?? []).toEqual([])
  })
})
