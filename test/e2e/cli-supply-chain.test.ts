// `gostatic build --sbom ... --sign-key ... --push` run as a user runs it,
// checked by the real cosign against the loopback registry; then `gostatic
// inspect` on the pushed image lists what cosign just verified.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ImageReport } from '../../src/index.js'
import { missing } from '../support/tools.js'
import { missingCosign } from '../support/cosign.js'
import { REGISTRY, missingRegistry } from '../support/runtime.js'
import { runCli, type CliRun } from '../support/cli.js'
import { tagExists, uniqueRepo } from './registry-fixtures.js'
import { cosign, cosignKeyPair } from './supply-chain-fixtures.js'

const skip = missing('go') || missingCosign() || (await missingRegistry())
const PASSWORD = `pw-${randomBytes(4).toString('hex')}`
const HELLO = resolve('examples/hello')
const noTlog = ['--insecure-ignore-tlog']

describe.skipIf(skip)('gostatic build --sbom --sign-key --push, verified by cosign', () => {
  let tmp: string
  let keys: { key: string; pub: string }
  const env = (extra: NodeJS.ProcessEnv = {}) => ({ ...process.env, COSIGN_PASSWORD: PASSWORD, ...extra })
  const build = (args: string[], extra?: NodeJS.ProcessEnv) => runCli(['build', HELLO, '--reporter', 'silent', '--out', join(tmp, `${randomBytes(3).toString('hex')}.tar`), ...args], { env: env(extra) })
  const inspectJson = async (target: string): Promise<ImageReport> => {
    const r = await runCli(['inspect', target, '--json'])
    expect(r.code, r.stderr).toBe(0)
    return JSON.parse(r.stdout) as ImageReport
  }
  let signed: { repo: string; ref: string; run: CliRun; out: string }

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gostatic-e2e-cli-sign-'))
    keys = await cosignKeyPair(join(tmp, 'keys'), PASSWORD)
    const repo = uniqueRepo('cli-signed')
    const out = join(tmp, 'signed.tar')
    const args = ['--platform', 'linux/amd64,linux/arm64', '--sbom', 'spdx,cyclonedx', '--sign-key', keys.key, '--push', `${REGISTRY}/${repo}:1`, '--attach']
    const run = await runCli(['build', HELLO, '--reporter', 'silent', '--out', out, ...args], { env: env() })
    const ref = /pushed (\S+)/.exec(run.stdout)?.[1] ?? ''
    signed = { repo, ref, run, out }
  })
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })

  it('cosign verifies the tag and each platform digest, and the provenance, SPDX and CycloneDX attestations', async () => {
    expect(signed.run.code, signed.run.stderr).toBe(0)
    expect(signed.ref).toMatch(new RegExp(`^${REGISTRY}/${signed.repo}:1@sha256:[0-9a-f]{64}$`))
    const report = await inspectJson(`${REGISTRY}/${signed.repo}:1`)
    const targets = [`${REGISTRY}/${signed.repo}:1`, ...report.platforms.map((p) => `${REGISTRY}/${signed.repo}@${p.manifestDigest}`)]
    expect(targets).toHaveLength(3)
    for (const target of targets) {
      const v = await cosign(['verify', '--key', keys.pub, ...noTlog, target])
      expect(v.exitCode, `${target}: ${v.stderr}`).toBe(0)
      for (const type of ['slsaprovenance1', 'spdxjson', 'cyclonedx']) {
        const a = await cosign(['verify-attestation', '--key', keys.pub, ...noTlog, '--type', type, target])
        expect(a.exitCode, `${type} ${target}: ${a.stderr}`).toBe(0)
      }
    }
  })

  it('gostatic inspect lists what the pushed image carries: platforms, verdicts, needs, signatures, attestations, SBOMs', async () => {
    const digest = signed.ref.split('@')[1]!
    const report = await inspectJson(`${REGISTRY}/${signed.repo}:1`)
    expect(report).toMatchObject({ kind: 'image', format: 'registry', path: `${REGISTRY}/${signed.repo}:1`, digest, referrers: null })
    expect(report.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64'])
    for (const p of report.platforms) {
      expect(p.verdicts).toMatchObject({ entrypoint: 'ok', static: 'ok', cgo: 'CGO_ENABLED=0', trimpath: '-trimpath=true' })
      expect(p.binary?.path).toBe('/usr/local/bin/hello')
      expect(p.needs.status).toBe('checked')
    }
    const subjects = [digest, ...report.platforms.map((p) => p.manifestDigest!)]
    const tags = (kind: string) => subjects.map((s) => `${s.replace(':', '-')}.${kind}`)
    expect(report.attachments.map((a) => a.tag)).toEqual([...tags('sig'), ...tags('att'), ...tags('sbom')])
    const att = report.attachments.find((a) => a.tag === tags('att')[1])!
    expect(att.layers.map((l) => l.predicateType)).toEqual(['https://slsa.dev/provenance/v1', 'https://spdx.dev/Document', 'https://cyclonedx.org/bom'])
    // The archive --attach wrote carries the same attachments.
    const archive = await inspectJson(signed.out)
    expect(archive.format).toBe('oci')
    expect(archive.attachments.map((a) => a.tag).sort()).toEqual(report.attachments.map((a) => a.tag).sort())
    // registry:// names the same image; the text says where it was read from.
    const text = await runCli(['inspect', `registry://${REGISTRY}/${signed.repo}:1`])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain('format     pushed image (read from the registry)')
    expect(text.stdout).toContain(`signature of ${digest.slice(0, 19)}…`)
    const arm = await runCli(['inspect', `${REGISTRY}/${signed.repo}:1`, '--platform', 'linux/arm64', '--json'])
    expect(arm.code, arm.stderr).toBe(0)
    expect((JSON.parse(arm.stdout) as ImageReport).platforms.map((p) => p.platform)).toEqual(['linux/arm64'])
  })

  it('--sign-key env://NAME with --sbom none: signed, the provenance attested, no SBOM anywhere', async () => {
    const repo = uniqueRepo('cli-env-key')
    const r = await build(['--sign-key', 'env://GOSTATIC_TEST_KEY', '--sbom', 'none', '--push', `${REGISTRY}/${repo}:1`], { GOSTATIC_TEST_KEY: await readFile(keys.key, 'utf8') })
    expect(r.code, r.stderr).toBe(0)
    const ref = `${REGISTRY}/${repo}:1`
    expect((await cosign(['verify', '--key', keys.pub, ...noTlog, ref])).exitCode).toBe(0)
    expect((await cosign(['verify-attestation', '--key', keys.pub, ...noTlog, '--type', 'slsaprovenance1', ref])).exitCode).toBe(0)
    const spdx = await cosign(['verify-attestation', '--key', keys.pub, ...noTlog, '--type', 'spdxjson', ref])
    expect(spdx.exitCode).not.toBe(0)
    const report = await inspectJson(ref)
    expect(report.attachments.map((a) => a.kind)).toEqual(['sig', 'att'])
    expect(report.attachments[1]!.layers.map((l) => l.predicateType)).toEqual(['https://slsa.dev/provenance/v1'])
  })

  it('--sbom cyclonedx without a key attaches the SBOM unsigned, and cosign finds no signature', async () => {
    const repo = uniqueRepo('cli-unsigned')
    const r = await build(['--sbom', 'cyclonedx', '--push', `${REGISTRY}/${repo}:1`])
    expect(r.code, r.stderr).toBe(0)
    const report = await inspectJson(`${REGISTRY}/${repo}:1`)
    expect(report.attachments.map((a) => [a.kind, a.layers.map((l) => l.mediaType)])).toEqual([['sbom', ['application/vnd.cyclonedx+json']]])
    const v = await cosign(['verify', '--key', keys.pub, ...noTlog, `${REGISTRY}/${repo}:1`])
    expect(v.exitCode).not.toBe(0)
    expect(v.stderr).toMatch(/no signatures found/i)
  })

  it('a wrong COSIGN_PASSWORD or a missing key file fails before anything is built, written or pushed, naming --sign-key', async () => {
    const cases: [string[], NodeJS.ProcessEnv, string][] = [
      [['--sign-key', '<key>'], { COSIGN_PASSWORD: 'not-it' }, 'error [SIGNING_KEY]: --sign-key (file <key>): wrong password for this cosign key (COSIGN_PASSWORD)'],
      [['--sign-key', join(tmp, 'no-such.key')], {}, `error [INPUT_NOT_FOUND]: --sign-key: cannot read the key file ${join(tmp, 'no-such.key')}: no such file`],
    ]
    for (const [flags, extra, message] of cases) {
      const repo = uniqueRepo('cli-bad-key')
      const out = join(tmp, `${repo.split('/')[1]}.tar`)
      const args = flags.map((f) => f.replace('<key>', keys.key))
      const r = await runCli(['build', HELLO, '--out', out, '--push', `${REGISTRY}/${repo}:1`, ...args], { env: env(extra) })
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(message.replace('<key>', keys.key))
      expect(r.stderr).not.toMatch(/sign\.password|^\s+at /m)
      expect(existsSync(out)).toBe(false)
      expect(await tagExists(REGISTRY, repo, '1')).toBe(false)
    }
  })

  it('refuses an --sbom value it does not know, listing what it takes', async () => {
    const r = await runCli(['build', HELLO, '--sbom', 'spdx,syft'])
    expect(r.code).toBe(2) // a bad flag value is a usage error, caught before any build
    expect(r.stderr).toContain("--sbom spdx,syft: unknown format 'syft'; it takes 'spdx', 'cyclonedx' (comma-separated for several) or 'none'")
  })
})
