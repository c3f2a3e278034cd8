// The pure supply-chain layer: SBOMs that pass the official schemas and are
// byte-stable, purls, DSSE, provenance that names secrets but never holds a
// value, and signing keys that are refused for the right reasons.
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parseModInfo } from '../../src/inspect/go-modinfo.js'
import type { SbomFacts } from '../../src/attest/attest-facts.js'
import { renderSbom } from '../../src/attest/sbom.js'
import { spdxDocument } from '../../src/attest/spdx-document.js'
import { golangPurl, ociPurl, stdlibPurl } from '../../src/attest/purl.js'
import { pae, envelope } from '../../src/attest/dsse.js'
import { ecdsaSigner } from '../../src/attest/signer.js'
import { parsePrivateKey } from '../../src/attest/private-key.js'
import { provenanceStatement } from '../../src/attest/provenance.js'
import { supplyChain } from '../../src/attest/supply-chain.js'
import { cyclonedxErrors, spdxErrors } from '../support/sbom-schemas.js'

const MODINFO = [
  'path\texample.com/hello',
  'mod\texample.com/hello\t(devel)\t',
  'dep\tgolang.org/x/text\tv0.14.0\th1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=',
  'dep\tgithub.com/BurntSushi/toml\tv1.3.2\th1:o7IhLm0Msx3BaB+n3Ag7L8EVlByGKpZW3mM2LY9uwRs=',
  '=>\tgithub.com/fork/toml\tv1.3.3\th1:o7IhLm0Msx3BaB+n3Ag7L8EVlByGKpZW3mM2LY9uwRs=',
  'dep\texample.com/local\tv0.0.0',
  '=>\t../local\t\t',
  'build\t-buildmode=exe',
  'build\t-trimpath=true',
  'build\tCGO_ENABLED=0',
  '',
].join('\n')
const go = parseModInfo('go1.26.8', MODINFO)
const sha = (c: string) => c.repeat(64).slice(0, 64)

const facts = (over: Partial<SbomFacts> = {}): SbomFacts => ({
  name: 'hello',
  image: { platform: { os: 'linux', architecture: 'arm64' }, manifestDigest: `sha256:${sha('a')}`, indexDigest: `sha256:${sha('b')}` },
  binary: { path: '/usr/local/bin/hello', sha256: sha('c'), sha1: 'd'.repeat(40), size: 1234, go },
  base: { name: '127.0.0.1:5000/library/alpine:3.20', digest: `sha256:${sha('e')}` },
  files: [
    { path: '/etc/ssl/certs/ca-certificates.crt', sha256: sha('1'), sha1: '1'.repeat(40), size: 10 },
    { path: '/etc/passwd', sha256: sha('2'), sha1: '2'.repeat(40), size: 20 },
  ],
  epoch: 1700000000,
  toolVersion: '0.1.0',
  ...over,
})

describe('SBOM documents', () => {
  it('SPDX 2.3 passes the official schema, for an image and for a bare binary', () => {
    for (const f of [facts(), facts({ image: null, base: null, files: [] })]) {
      const doc = JSON.parse(renderSbom('spdx', f).bytes.toString())
      expect(spdxErrors(doc)).toEqual([])
    }
  })

  it('CycloneDX 1.6 passes the official schema, for an image and for a bare binary', () => {
    for (const f of [facts(), facts({ image: null, base: null, files: [] })]) {
      const doc = JSON.parse(renderSbom('cyclonedx', f).bytes.toString())
      expect(doc.specVersion).toBe('1.6')
      expect(cyclonedxErrors(doc)).toEqual([])
    }
  })

  it('the schemas do reject a broken document (the check can fail)', () => {
    const doc = spdxDocument(facts()) as unknown as Record<string, unknown>
    expect(spdxErrors({ ...doc, spdxVersion: undefined })).not.toEqual([])
    expect(cyclonedxErrors({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ name: 'x' }] })).not.toEqual([])
  })

  it('records the image, binary, stdlib, toolchain, modules (replacements as used), base and files', () => {
    const d = spdxDocument(facts())
    const names = d.packages.map((p) => `${p.name}@${p.versionInfo ?? ''}`)
    expect(names).toEqual([
      `hello@sha256:${sha('a')}`, 'example.com/hello@(devel)', 'stdlib@go1.26.8', 'go@go1.26.8',
      // Sorted by the module go.mod requires; a replaced one is recorded as what was compiled in.
      '../local@', 'github.com/fork/toml@v1.3.3', 'golang.org/x/text@v0.14.0', `127.0.0.1:5000/library/alpine:3.20@sha256:${sha('e')}`,
    ])
    const toml = d.packages.find((p) => p.name === 'github.com/fork/toml')!
    expect(toml.comment).toBe('replaces github.com/BurntSushi/toml@v1.3.2 (go.mod replace)')
    expect(toml.checksums).toEqual([{ algorithm: 'SHA256', checksumValue: Buffer.from('o7IhLm0Msx3BaB+n3Ag7L8EVlByGKpZW3mM2LY9uwRs=', 'base64').toString('hex') }])
    expect(d.packages.find((p) => p.name === '../local')!.externalRefs).toBeUndefined()
    expect(d.files.map((f) => f.fileName)).toEqual(['./etc/passwd', './etc/ssl/certs/ca-certificates.crt'])
    expect(d.creationInfo.created).toBe('2023-11-14T22:13:20Z')
    expect(d.relationships[0]).toEqual({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Image' })
    expect(new Set([...d.packages, ...d.files].map((x) => x.SPDXID)).size).toBe(d.packages.length + d.files.length)
  })

  it('is byte-identical for the same facts, whatever order the files come in', () => {
    for (const format of ['spdx', 'cyclonedx'] as const) {
      const a = renderSbom(format, facts()).bytes
      const b = renderSbom(format, facts({ files: [...facts().files].reverse() })).bytes
      expect(b.equals(a)).toBe(true)
    }
  })
})

describe('purls', () => {
  it('keep the case of Go module paths and encode what the spec asks', () => {
    expect(golangPurl('github.com/BurntSushi/toml', 'v1.3.2')).toBe('pkg:golang/github.com/BurntSushi/toml@v1.3.2?type=module')
    expect(golangPurl('example.com/hello', '(devel)')).toBe('pkg:golang/example.com/hello?type=module')
    expect(golangPurl('../local', '')).toBeNull()
    expect(stdlibPurl('go1.26.8')).toBe('pkg:golang/stdlib@1.26.8')
    expect(ociPurl('127.0.0.1:5000/library/alpine', 'alpine', `sha256:${sha('e')}`, { os: 'linux', architecture: 'arm', variant: 'v7' }))
      .toBe(`pkg:oci/alpine@sha256%3A${sha('e')}?arch=arm&os=linux&repository_url=127.0.0.1:5000/library/alpine&variant=v7`)
  })
})

describe('DSSE and keys', () => {
  it('PAE matches the DSSE specification example', () => {
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world')
  })

  it('signs the PAE with the P-256 key, verifiable with its public half', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const signer = ecdsaSigner(parsePrivateKey(pem, 'test', () => undefined), 'test')
    const env = envelope('application/vnd.in-toto+json', Buffer.from('{}'), signer)
    const ok = verify('sha256', pae(env.payloadType, Buffer.from(env.payload, 'base64')), createPublicKey(signer.publicKeyPem), Buffer.from(env.signatures[0]!.sig, 'base64'))
    expect(ok).toBe(true)
  })

  it.each([
    ['an EC key on another curve', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey, /is an EC key on curve secp384r1; gostatic signs with an ECDSA P-256/],
    ['an RSA key', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, /is a key of type rsa; gostatic signs with an ECDSA P-256/],
    ['an Ed25519 key', () => generateKeyPairSync('ed25519').privateKey, /is a key of type ed25519/],
  ])('refuses %s with SIGNING_KEY naming what it is', (_what, make, message) => {
    const pem = make().export({ type: 'pkcs8', format: 'pem' }).toString()
    expect(() => parsePrivateKey(pem, 'file k.pem', () => undefined)).toThrow(expect.objectContaining({ code: 'SIGNING_KEY', message: expect.stringMatching(message) }))
  })

  it('refuses text that is no PEM key', () => {
    expect(() => parsePrivateKey('hello', 'env K', () => undefined)).toThrow(expect.objectContaining({ code: 'SIGNING_KEY', message: expect.stringContaining('env K') }))
  })
})

describe('provenance', () => {
  it('is a SLSA v1 in-toto statement over every manifest and the index, timed by the epoch, secrets by name only', () => {
    const spec = { name: 'hello', secrets: [{ id: 'token', from: { env: 'GH_TOKEN' }, as: { env: 'GOPRIVATE_TOKEN' } }] }
    const chain = supplyChain({
      name: 'hello',
      images: [
        { facts: facts({ image: { platform: { os: 'linux', architecture: 'amd64' }, manifestDigest: `sha256:${sha('3')}`, indexDigest: `sha256:${sha('b')}` } }), manifest: { digest: `sha256:${sha('3')}`, size: 1, mediaType: 'm' } },
        { facts: facts(), manifest: { digest: `sha256:${sha('a')}`, size: 1, mediaType: 'm' } },
      ],
      index: { digest: `sha256:${sha('b')}`, size: 1, mediaType: 'i' },
      formats: ['spdx'],
      provenance: { service: 'hello', engine: 'local', spec, targets: [], source: { uri: 'https://example.com/r.git', commit: sha('f').slice(0, 40), dirty: false, path: '.' }, goVersion: 'go1.26.8', base: null, builder: null, epoch: 0, toolVersion: '0.1.0' },
    })
    const st = JSON.parse(chain.provenance.toString())
    expect(st._type).toBe('https://in-toto.io/Statement/v1')
    expect(st.predicateType).toBe('https://slsa.dev/provenance/v1')
    expect(st.subject.map((s: { digest: { sha256: string } }) => s.digest.sha256)).toEqual([sha('b'), sha('3'), sha('a')])
    expect(st.predicate.runDetails.metadata).toEqual({ startedOn: '1970-01-01T00:00:00Z', finishedOn: '1970-01-01T00:00:00Z' })
    expect(st.predicate.buildDefinition.resolvedDependencies[0]).toMatchObject({ uri: 'git+https://example.com/r.git', digest: { gitCommit: sha('f').slice(0, 40) }, annotations: { dirty: false } })
    expect(chain.provenance.toString()).toContain('GH_TOKEN')
    // Without a key only the SBOMs are attached; the index's lists both platforms' SBOMs.
    const atts = chain.attachments(null, 'r/hello')
    expect(atts.map((a) => a.tag)).toEqual([`sha256-${sha('b')}.sbom`, `sha256-${sha('3')}.sbom`, `sha256-${sha('a')}.sbom`])
    expect(JSON.parse(atts[0]!.manifest.toString()).layers).toHaveLength(2)
    expect(JSON.parse(atts[0]!.manifest.toString()).subject).toEqual({ mediaType: 'i', digest: `sha256:${sha('b')}`, size: 1 })
  })

  it('the same facts give the same statement bytes', () => {
    const f = { service: 'hello', engine: 'dagger' as const, subjects: [], spec: { a: 1 }, targets: [], source: null, goVersion: 'go1.26.8', base: null, builder: { name: 'golang:1.26', digest: `sha256:${sha('9')}` }, epoch: 5, toolVersion: '0.1.0' }
    expect(JSON.stringify(provenanceStatement(f))).toBe(JSON.stringify(provenanceStatement({ ...f })))
    expect(provenanceStatement(f).predicate.buildDefinition.resolvedDependencies.map((d) => d.name)).toEqual(['go', 'builder-image'])
  })
})
