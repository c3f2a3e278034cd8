import { describe, expect, it } from 'vitest'
import { DockerfileParser } from 'dockerfile-ast'
import { goService } from '../../src/index.js'
import { installLine, stripLoop } from '../../src/render/builder-shell.js'

const svc = () => goService({ name: 'hello', source: 'examples/hello' }).go('1.23').ldflags({ X: { 'main.version': '1.0.0' } })

function instructions(text: string) {
  const df = DockerfileParser.parse(text)
  // args: everything after the keyword, flags (--mount=...) included.
  return df.getInstructions().map((i) => ({ keyword: i.getKeyword(), args: i.getTextContent().replace(/^\s*\S+\s+/, '') }))
}

describe('dockerfile', () => {
  it('parses as a real Dockerfile with a builder and a runtime stage', () => {
    const df = DockerfileParser.parse(svc().dockerfile())
    expect(df.getFROMs().map((f) => f.getImageName())).toEqual(['${GO_IMAGE}', 'scratch'])
    expect(df.getARGs()[0]!.getProperty()!.getValue()).toBe('golang:1.23-alpine')
  })

  it('copies go.mod and go.sum and downloads modules before copying the sources', () => {
    const ins = instructions(svc().dockerfile())
    const i = (pred: (x: { keyword: string; args: string }) => boolean) => ins.findIndex(pred)
    const modCopy = i((x) => x.keyword === 'COPY' && x.args.startsWith('go.mod go.sum'))
    const download = i((x) => x.keyword === 'RUN' && x.args.includes('go mod download'))
    const src = i((x) => x.keyword === 'COPY' && x.args.trim() === '. .')
    expect(modCopy).toBeGreaterThan(-1)
    expect(download).toBeGreaterThan(modCopy)
    expect(src).toBeGreaterThan(download)
  })

  it('uses BuildKit cache mounts for the module and build caches', () => {
    const run = instructions(svc().dockerfile()).filter((x) => x.keyword === 'RUN' && x.args.includes('go build'))[0]!
    expect(run.args).toContain('--mount=type=cache,target=/go/pkg/mod')
    expect(run.args).toContain('--mount=type=cache,target=/root/.cache/go-build')
  })

  it("runs exactly the plan's go build args and env", () => {
    const p = svc().plan()
    const text = svc().dockerfile()
    expect(text).toContain("go build -trimpath -buildvcs=false -ldflags '-s -w -X main.version=1.0.0' -o /out/hello .")
    expect(text).toContain('ENV CGO_ENABLED=0')
    expect(text).toContain(`GOOS=${p.targets[0]!.env['GOOS']} GOARCH=${p.targets[0]!.env['GOARCH']}`)
  })

  it('passes secrets as --mount=type=secret and never as ARG or ENV', () => {
    const text = svc()
      .secret({ id: 'netrc', from: { file: '~/.netrc' }, as: { file: '/root/.netrc' } })
      .secret({ id: 'gh', from: { env: 'GITHUB_TOKEN' }, as: { env: 'GITHUB_TOKEN' } })
      .dockerfile()
    const ins = instructions(text)
    expect(ins.filter((x) => x.keyword === 'RUN' && x.args.includes('go mod download'))[0]!.args).toContain('--mount=type=secret,id=netrc,target=/root/.netrc')
    expect(text).toContain('--mount=type=secret,id=gh GITHUB_TOKEN="$(cat /run/secrets/gh)" GOOS=linux GOARCH=amd64 go build')
    expect(ins.filter((x) => (x.keyword === 'ARG' || x.keyword === 'ENV') && /GITHUB_TOKEN|netrc/.test(x.args))).toEqual([])
  })

  it.each([
    ['scratch', 'scratch'],
    ['static', 'scratch'],
    ['alpine:3.20', 'alpine:3.20'],
  ])('renders the %s runtime stage from %s', (runtime, from) => {
    const df = DockerfileParser.parse(svc().runtime(runtime).dockerfile())
    expect(df.getFROMs()[1]!.getImageName() + (df.getFROMs()[1]!.getImageTag() ? `:${df.getFROMs()[1]!.getImageTag()}` : '')).toBe(from)
    const text = svc().runtime(runtime).dockerfile()
    expect(text).toContain('ENTRYPOINT ["/usr/local/bin/hello"]')
    if (runtime === 'alpine:3.20') expect(text).not.toContain('USER')
    else expect(text).toContain('USER 65532:65532')
    if (runtime === 'static') expect(text).toContain('cp /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ca-certificates.crt')
    if (runtime !== 'static') expect(text).not.toContain('ca-certificates.crt')
  })

  it('cross-compiles several platforms from $BUILDPLATFORM with TARGETARCH', () => {
    const text = svc().platforms('linux/amd64', 'linux/arm64').upx().dockerfile()
    expect(text).toContain('FROM --platform=$BUILDPLATFORM ${GO_IMAGE} AS build')
    expect(text).toContain('GOOS=$TARGETOS GOARCH=$TARGETARCH go build')
    expect(text).toContain('if [ "$TARGETARCH" = amd64 ]; then upx')
  })

  it('verifies the build settings in the builder before packing', () => {
    const text = svc().upx().dockerfile()
    expect(text.indexOf("grep -q 'build\tCGO_ENABLED=0'")).toBeLessThan(text.indexOf('upx --best') === -1 ? text.indexOf('upx -9') : text.indexOf('upx --best'))
  })

  it('installs unzip in the builder when it unpacks zone files there', () => {
    const text = svc().runtime('static').timezones(['Europe/Berlin']).dockerfile()
    expect(text).toContain('RUN command -v readelf >/dev/null && command -v unzip >/dev/null || (apk add --no-cache binutils unzip)')
    expect(text.indexOf('apk add')).toBeLessThan(text.indexOf('unzip -q -o -d /rootfs/usr/share/zoneinfo'))
    expect(svc().runtime('alpine:3.20').timezones(['Europe/Berlin']).dockerfile()).not.toContain('unzip')
  })

  it("runs the plan's builder tools and strip candidates with the shell text the Dagger builder runs", () => {
    const s = svc().strip().upx()
    const p = s.plan()
    const ins = instructions(s.dockerfile()).filter((x) => x.keyword === 'RUN').map((x) => x.args)
    expect(ins).toContain(installLine(p.go.builderTools))
    expect(ins).toContain(stripLoop(p.targets[0]!.strip!, '/out/hello'))
  })

  it('renders the steps in plan order: module files, download, sources, build, strip, verify, then UPX', () => {
    const s = svc().strip().upx()
    const ins = instructions(s.dockerfile())
    const at = (pred: (x: { keyword: string; args: string }) => boolean, what: string) => {
      const i = ins.findIndex(pred)
      expect(i, what).toBeGreaterThan(-1)
      return i
    }
    const order = [
      at((x) => x.keyword === 'COPY' && x.args.startsWith('go.mod'), 'module files'),
      at((x) => x.keyword === 'RUN' && x.args.includes('go mod download'), 'download'),
      at((x) => x.keyword === 'COPY' && x.args.trim() === '. .', 'sources'),
      at((x) => x.keyword === 'RUN' && x.args.includes(' go build '), 'build'),
      at((x) => x.keyword === 'RUN' && x.args.includes('--strip-unneeded'), 'strip'),
      at((x) => x.keyword === 'RUN' && x.args.includes('go version -m'), 'verify'),
      at((x) => x.keyword === 'RUN' && x.args.startsWith('upx '), 'upx'),
      at((x) => x.keyword === 'FROM' && x.args.trim() === 'scratch', 'runtime stage'),
    ]
    expect([...order].sort((a, b) => a - b)).toEqual(order)
  })

  it('renders each per-platform step once for every platform, and UPX only where the plan packs', () => {
    const text = svc().platforms('linux/amd64', 'linux/arm64', 'linux/arm/v7').strip().upx().dockerfile()
    const runs = instructions(text).filter((x) => x.keyword === 'RUN').map((x) => x.args)
    expect(runs.filter((r) => r.includes(' go build '))).toHaveLength(1)
    expect(runs.filter((r) => r.includes('--strip-unneeded'))).toHaveLength(1)
    expect(runs.filter((r) => r.includes('readelf -lW'))).toHaveLength(1)
    expect(runs.filter((r) => r.includes("grep -q 'build\t"))).toHaveLength(1)
    expect(runs.filter((r) => r.includes('dep\tgithub.com/mattn/go-sqlite3'))).toHaveLength(1)
    expect(runs.filter((r) => r.includes('upx -'))).toEqual(['if [ "$TARGETARCH" = amd64 ]; then upx -9 --no-progress -q /out/hello && upx -t -q /out/hello; fi'])
    expect(text).toContain('GOOS=$TARGETOS GOARCH=$TARGETARCH GOARM="${TARGETVARIANT#v}" go build')
  })

  it("copies the builder's CA bundle by default and says how it differs from the engines' bundle", () => {
    const text = svc().runtime('static').dockerfile()
    expect(text).toContain('cp /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ca-certificates.crt && chmod 644 /rootfs/etc/ssl/certs/ca-certificates.crt')
    const comment = text.split('\n').filter((l) => l.startsWith('# ')).join(' ')
    expect(comment).toContain("CA bundle: the builder image's /etc/ssl/certs/ca-certificates.crt")
    expect(comment).toContain("gostatic's local and Dagger engines write Node's bundled Mozilla store (tls.rootCertificates) instead")
    expect(comment).toContain("caCertificates({ file: 'certs/ca.pem' }) pins one bundle")
  })

  it('copies a pinned CA bundle from the build context, and keeps it there whatever include and exclude say', () => {
    const s = svc().runtime('static').caCertificates({ file: 'certs/ca.pem' }).include('*.go').exclude('certs/')
    const text = s.dockerfile()
    expect(text).toContain('cp certs/ca.pem /rootfs/etc/ssl/certs/ca-certificates.crt && chmod 644 /rootfs/etc/ssl/certs/ca-certificates.crt')
    expect(text).not.toContain('cp /etc/ssl/certs/ca-certificates.crt')
    expect(text).toContain("# CA bundle: certs/ca.pem from the source folder, byte for byte, as gostatic's engines copy it.")
    expect(s.dockerignore()).toBe('*\n!go.mod\n!go.sum\n!*.go\ncerts/\n!certs/ca.pem\n')
    expect(DockerfileParser.parse(text).getFROMs()).toHaveLength(2)
  })

  it('keeps copy() sources in the build context when include() filters it', () => {
    expect(svc().copy('config/app.toml', '/etc/hello/app.toml').include('*.go').dockerignore()).toBe('*\n!go.mod\n!go.sum\n!*.go\n!config/app.toml\n')
    expect(svc().copy('config/app.toml', '/etc/hello/app.toml').dockerignore()).toBe('\n')
  })

  it('writes synthesized files with printf on one logical line, reproducing them byte for byte', async () => {
    const { execFileSync } = await import('node:child_process')
    const p = svc().user('1000:1000').plan()
    const text = svc().user('1000:1000').dockerfile()
    for (const f of p.runtime.files) {
      if (f.kind !== 'text') continue
      const m = new RegExp(`printf ('(?:[^']|'\\\\'')*') > /rootfs${f.path} `).exec(text)
      expect(m, f.path).not.toBeNull()
      expect(execFileSync('sh', ['-c', `printf ${m![1]}`], { encoding: 'utf8' })).toBe(f.content)
    }
    // A raw newline inside a quoted string would end the RUN instruction early.
    expect(text.split('\n').filter((l) => l.startsWith('nonroot:') || l.startsWith('root:'))).toEqual([])
  })
})

