import { describe, expect, it } from 'vitest'
import { goService, plan } from '../../src/index.js'

const svc = () =>
  goService({ name: 'hello', source: 'examples/hello' })
    .go('1.23')
    .platforms('linux/amd64', 'linux/arm64')
    .ldflags({ X: { 'main.version': '1.0.0' } })
    .strip()
    .expose(8080)

describe('plan', () => {
  it.each(['scratch', 'static', 'alpine:3.20'])('snapshot: %s base, two platforms', (runtime) => {
    expect(JSON.stringify(svc().runtime(runtime).timezones(['Europe/Berlin']).plan(), null, 2)).toMatchSnapshot()
  })

  it('is deterministic: the same spec gives a deep-equal plan, byte for byte', () => {
    const a = svc().upx().plan()
    const b = plan(svc().upx().toSpec())
    expect(b).toEqual(a)
    expect(JSON.stringify(b)).toBe(JSON.stringify(a))
  })

  it('is frozen plain data', () => {
    const p = svc().plan()
    expect(Object.isFrozen(p)).toBe(true)
    expect(Object.isFrozen(p.targets[0]!.env)).toBe(true)
    expect(JSON.parse(JSON.stringify(p))).toEqual(p)
  })

  it('sets CGO_ENABLED=0, GOOS and GOARCH per platform', () => {
    const [amd, arm] = svc().plan().targets
    expect(amd!.env).toMatchObject({ CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64' })
    expect(arm!.env).toMatchObject({ CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'arm64' })
    expect(goService({ name: 'a', source: '.' }).platforms('linux/arm/v7').plan().targets[0]!.env).toMatchObject({ GOARCH: 'arm', GOARM: '7' })
  })

  it('builds with -trimpath and -s -w and never emits -a or -extldflags', () => {
    const args = svc().plan().targets[0]!.goArgs
    expect(args).toEqual(['build', '-trimpath', '-buildvcs=false', '-ldflags', '-s -w -X main.version=1.0.0'])
    expect(args.join(' ')).not.toMatch(/(^| )-a( |$)|extldflags/)
  })

  it('explains why -a and -extldflags "-static" are left out', () => {
    const text = svc().explain()
    expect(text).toContain("no -a: The seed recipe's `-a` forces every package to rebuild")
    expect(text).toContain("no -extldflags '-static': extldflags are passed to the external (C) linker, which CGO_ENABLED=0 never runs")
  })

  it('quotes -X values with spaces so cmd/go keeps them whole', () => {
    const args = goService({ name: 'a', source: '.' }).ldflags({ X: { 'main.msg': 'hello world' } }).plan().targets[0]!.goArgs
    expect(args.at(-1)).toBe("-s -w -X 'main.msg=hello world'")
  })

  it('sets GOFLAGS=-mod=vendor and drops the download step in vendor mode', () => {
    const p = svc().mod('vendor').plan()
    expect(p.targets[0]!.env['GOFLAGS']).toBe('-mod=vendor')
    expect(p.steps.map((s) => s.kind)).not.toContain('mod-download')
  })

  it('adds the timetzdata tag when the base has no zoneinfo gostatic controls', () => {
    expect(svc().runtime('alpine:3.20').timezones().plan().targets[0]!.goArgs).toContain('timetzdata')
    expect(svc().runtime('scratch').timezones('all').plan().targets[0]!.goArgs).toContain('timetzdata')
    expect(svc().runtime('static').timezones().plan().targets[0]!.goArgs).not.toContain('timetzdata')
    expect(svc().runtime('static').timezones().plan().runtime.files.map((f) => f.kind)).toContain('zoneinfo')
  })

  it('puts a CA bundle, passwd with nonroot 65532, nsswitch and a 1777 /tmp on the static base', () => {
    const files = svc().runtime('static').plan().runtime.files
    expect(files.map((f) => f.path)).toEqual(['/etc/group', '/etc/nsswitch.conf', '/etc/passwd', '/etc/ssl/certs/ca-certificates.crt', '/home/nonroot', '/tmp'])
    const passwd = files.find((f) => f.path === '/etc/passwd')
    expect(passwd?.kind === 'text' && passwd.content).toContain('nonroot:x:65532:65532:')
    expect(files.find((f) => f.path === '/tmp')).toMatchObject({ kind: 'dir', mode: 0o1777 })
    expect(files.find((f) => f.path === '/etc/nsswitch.conf')).toMatchObject({ content: 'hosts: files dns\n' })
  })

  it("records where the CA bundle comes from: Node's root store by default, or a pinned file", () => {
    const ca = (g: ReturnType<typeof svc>) => g.plan().runtime.files.find((f) => f.kind === 'ca-bundle')
    expect(ca(svc().runtime('static'))).toEqual({ kind: 'ca-bundle', path: '/etc/ssl/certs/ca-certificates.crt', mode: 0o644, source: { kind: 'node-root-store' } })
    expect(ca(svc().runtime('static').caCertificates({ file: 'certs/ca.pem' }))).toMatchObject({ source: { kind: 'file', from: 'certs/ca.pem' } })
    expect(ca(svc().runtime('alpine:3.20').caCertificates({ file: 'certs/ca.pem' }))).toMatchObject({ source: { kind: 'file', from: 'certs/ca.pem' } })
    expect(svc().runtime('scratch').caCertificates({ file: 'certs/ca.pem' }).plan().runtime.config.env).toContain('SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt')
    expect(ca(svc().runtime('static').caCertificates(false))).toBeUndefined()
  })

  it('explains what the default CA bundle is and how the Dockerfile differs, and that a pinned file is the same everywhere', () => {
    const byDefault = svc().runtime('static').explain()
    expect(byDefault).toContain("CA bundle: /etc/ssl/certs/ca-certificates.crt is Node's bundled Mozilla CA store (tls.rootCertificates)")
    expect(byDefault).toContain("The rendered Dockerfile cannot reach that store, so it copies the builder image's /etc/ssl/certs/ca-certificates.crt instead")
    expect(byDefault).toContain("caCertificates({ file: 'certs/ca.pem' }) pins one bundle")
    expect(svc().runtime('static').caCertificates({ file: 'certs/ca.pem' }).explain()).toContain(
      'CA bundle: /etc/ssl/certs/ca-certificates.crt is certs/ca.pem from the source folder, copied byte for byte (mode 644) by the local engine, the Dagger engine and the rendered Dockerfile',
    )
    expect(svc().runtime('scratch').explain()).not.toContain('CA bundle:')
  })

  it("adds no CA bundle on scratch, and leaves the warning to the build's needs check, which reads the binary", () => {
    const p = svc().runtime('scratch').plan()
    expect(p.runtime.files.map((f) => f.kind)).not.toContain('ca-bundle')
    // A blanket warning would also fire for a service that never makes a TLS call.
    expect(p.warnings.join('\n')).not.toContain('x509')
    expect(p.steps.filter((s) => s.kind === 'check-needs').map((s) => 'platform' in s && s.platform)).toEqual(['linux/amd64', 'linux/arm64'])
  })

  it('checks needs after strip and before UPX, whose packing hides the function table', () => {
    const kinds = svc().platforms('linux/amd64').strip().upx().plan().steps.map((s) => s.kind)
    expect(kinds.slice(3)).toEqual(['go-build', 'strip', 'check-needs', 'upx', 'verify-static', 'assemble-runtime'])
  })

  it('gives the Dockerfile the cgo stubs to refuse from the build info', () => {
    const step = svc().plan().steps.find((s) => s.kind === 'check-needs')
    expect(step).toMatchObject({ refuseModules: [{ module: 'github.com/mattn/go-sqlite3', replacement: 'modernc.org/sqlite' }] })
  })

  it('records a UPX verdict per platform: amd64 packs, arm64 is refused by the platform rule', () => {
    const [amd, arm] = svc().upx({ level: 'best' }).plan().targets
    expect(amd!.upx).toMatchObject({ kind: 'pack', args: ['--best', '--no-progress', '-q'], smoke: ['--version'] })
    expect(arm!.upx).toMatchObject({ kind: 'refused', rule: 'platform' })
  })

  it('refuses UPX on a PIE build, with FIPS, when signed, and in production without a reason', () => {
    const one = goService({ name: 'a', source: '.' }).upx()
    expect(one.buildmode('pie').plan().targets[0]!.upx).toMatchObject({ kind: 'refused', rule: 'buildmode' })
    expect(one.fips().plan().targets[0]!.upx).toMatchObject({ kind: 'refused', rule: 'fips' })
    expect(one.signing('cosign').plan().targets[0]!.upx).toMatchObject({ kind: 'refused', rule: 'signing' })
    expect(one.environment('production').plan().targets[0]!.upx).toMatchObject({ kind: 'refused', rule: 'environment' })
    const allowed = goService({ name: 'a', source: '.' }).environment('production').upx({ policy: { allowProduction: { reason: 'cold starts' } } }).plan()
    expect(allowed.targets[0]!.upx.kind).toBe('pack')
    expect(allowed.runtime.config.labels['dev.gostatic.upx.production-reason']).toBe('cold starts')
  })

  it('asks for a Go toolchain with a patch level when the host is older', () => {
    expect(svc().plan().go).toMatchObject({ version: '1.23', toolchainIfOlder: 'go1.23.0', builderImage: 'golang:1.23-alpine' })
    expect(svc().go('1.23.4').plan().go.toolchainIfOlder).toBe('go1.23.4')
  })

  it('names each builder tool with its package for the builder image package manager', () => {
    expect(svc().upx().plan().go.builderTools).toEqual({
      manager: 'apk',
      tools: [
        { command: 'strip', package: 'binutils' },
        { command: 'readelf', package: 'binutils', dockerfileOnly: true },
        { command: 'upx', package: 'upx' },
      ],
    })
    expect(svc().upx().builderImage('127.0.0.1:5000/gostatic/go-builder:1.26').plan().go.builderTools).toEqual({
      manager: 'apt',
      tools: [
        { command: 'strip', package: 'binutils' },
        { command: 'readelf', package: 'binutils', dockerfileOnly: true },
        { command: 'upx', package: 'upx-ucl' },
      ],
    })
  })

  it('asks for unzip in the builder only when zone files go into the image', () => {
    const unzip = { command: 'unzip', package: 'unzip', dockerfileOnly: true }
    expect(svc().runtime('static').timezones(['Europe/Berlin']).plan().go.builderTools.tools).toContainEqual(unzip)
    // On an image base the zones go into the binary (timetzdata): nothing to unpack.
    expect(svc().runtime('alpine:3.20').timezones(['Europe/Berlin']).plan().go.builderTools.tools).not.toContainEqual(unzip)
    expect(svc().runtime('static').plan().go.builderTools.tools).not.toContainEqual(unzip)
  })
})
