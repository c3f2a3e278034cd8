import { describe, expect, it } from 'vitest'
import { goService, GostaticError, plan, type GoService } from '../../src/index.js'

const base = () => goService({ name: 'hello', source: 'examples/hello' })

function errorOf(s: GoService): GostaticError {
  try {
    s.toSpec()
  } catch (e) {
    expect(e).toBeInstanceOf(GostaticError)
    return e as GostaticError
  }
  throw new Error('expected toSpec() to throw')
}

/** What a config file or JSON could hold, past the builder's types. */
function rawErrorOf(fields: Record<string, unknown>): GostaticError {
  try {
    plan({ name: 'hello', source: 'examples/hello', ...fields })
  } catch (e) {
    expect(e).toBeInstanceOf(GostaticError)
    return e as GostaticError
  }
  throw new Error('expected plan() to throw')
}

describe('spec validation names the field and says what is allowed', () => {
  it('refuses go("banana")', () => {
    const e = errorOf(base().go('banana'))
    expect(e.code).toBe('INVALID_SPEC')
    expect(e.message).toContain("expected a Go version like '1.23' or '1.23.4', got 'banana'")
    expect(e.message).toContain('→ at go')
  })
  it('refuses Go versions without build info', () => {
    expect(errorOf(base().go('1.17')).message).toContain('Go 1.18 or newer is required')
  })
  it('accepts patch and rc versions', () => {
    expect(base().go('1.23.4').toSpec().go).toBe('1.23.4')
    expect(base().go('1.24rc1').toSpec().go).toBe('1.24rc1')
  })
  it('refuses an unknown platform and lists the allowed ones', () => {
    const e = errorOf(base().platforms('linux/amd64', 'plan9/mips'))
    expect(e.message).toContain("unknown platform 'plan9/mips'; allowed: linux/amd64, linux/arm64")
    expect(e.message).toContain('→ at platforms[1]')
  })
  it('refuses CGO_ENABLED=1 on a static build', () => {
    const e = errorOf(base().env({ CGO_ENABLED: '1' }))
    expect(e.message).toContain('CGO_ENABLED=1 with the host\'s C compiler makes a dynamically linked binary. For a static cgo build use .cgo()')
    expect(e.message).toContain('→ at env.CGO_ENABLED')
  })
  it('refuses GOARCH in env and points at platforms()', () => {
    expect(errorOf(base().env({ GOARCH: 'arm64' })).message).toContain('GOARCH is set per target by .platforms(...)')
  })
  it('refuses GOFLAGS in env: the plan decides flags', () => {
    expect(errorOf(base().env({ GOFLAGS: '-mod=mod' })).message).toContain('GOFLAGS is decided by the plan')
  })
  it("refuses user('nonroot') and suggests 65532:65532 for runAsNonRoot", () => {
    const e = errorOf(base().user('nonroot'))
    expect(e.message).toContain("'nonroot' is not numeric; Kubernetes runAsNonRoot can only verify a numeric UID, use '65532:65532'")
    expect(e.message).toContain('→ at user')
  })
  it('refuses an empty name', () => {
    const e = errorOf(goService({ name: '', source: '.' }))
    expect(e.message).toContain('the service needs a name')
    expect(e.message).toContain('→ at name')
  })
  it('refuses a name that cannot be an image or file name', () => {
    expect(errorOf(goService({ name: 'My Service', source: '.' })).message).toContain('names are lowercase letters, digits')
  })
  it('refuses a runtime that is not a valid image reference', () => {
    const e = errorOf(base().runtime('alpine::3.20'))
    expect(e.message).toContain("'alpine::3.20' is not 'scratch', 'static' or a valid image reference")
    expect(e.message).toContain('→ at runtime')
    expect(errorOf(base().runtime('Alpine:3.20')).message).toContain('repository names must be lowercase')
  })
  it('refuses upx() when no target platform can be packed', () => {
    const e = errorOf(base().platforms('linux/arm/v7').upx())
    expect(e.message).toContain('upx() cannot pack any target platform: linux/arm/v7')
    expect(e.message).toContain('→ at upx')
  })
  it('refuses upx() on arm64 alone unless allowArm64 is given', () => {
    expect(errorOf(base().platforms('linux/arm64').upx()).message).toContain('allowArm64: true')
    expect(base().platforms('linux/arm64').upx({ policy: { allowArm64: true } }).toSpec().upx?.policy.allowArm64).toBe(true)
  })
  it('refuses an image path that is not absolute', () => {
    expect(errorOf(base().copy('kodata', 'srv/data')).message).toContain('must be an absolute path in the image')
  })
  it('refuses two extra files copied to the same path', () => {
    expect(errorOf(base().copy('a', '/data').copy('b', '/data')).message).toContain('two extra files are copied to /data')
  })
  it('refuses a malformed port', () => {
    expect(errorOf(base().expose('http')).message).toContain("ports are 1 to 65535, written 8080 or '8080/tcp'")
  })
  it('refuses a malformed time zone name', () => {
    expect(errorOf(base().timezones(['Europe/Berlin; rm -rf /'])).message).toContain("zones look like 'Europe/Berlin'")
  })
  it('refuses a pinned CA bundle outside the source folder, naming caCertificates.file', () => {
    for (const file of ['/etc/ssl/certs/ca.pem', '../shared/ca.pem', 'certs/../../ca.pem', '', 'certs/']) {
      const e = errorOf(base().caCertificates({ file }))
      expect(e.code).toBe('INVALID_SPEC')
      expect(e.message).toContain(`'${file}' is not a file path inside the service source folder; give it relative to that folder, like 'certs/ca.pem'`)
      expect(e.message).toContain('→ at caCertificates.file')
    }
    expect(rawErrorOf({ caCertificates: { file: 'ca.pem', sha: 'x' } }).message).toContain("unknown key 'sha'; allowed: file")
    expect(base().caCertificates({ file: 'certs/ca.pem' }).toSpec().caCertificates).toEqual({ file: 'certs/ca.pem' })
  })
  it('refuses a caCertificates that is neither a boolean nor { file }', () => {
    const e = rawErrorOf({ caCertificates: 'certs/ca.pem' })
    expect(e.message).toContain("caCertificates is true, false or { file: 'certs/ca.pem' } (a PEM bundle in the source folder)")
    expect(e.message).toContain('→ at caCertificates')
  })
  it('reports every bad field at once', () => {
    const e = errorOf(base().go('x').user('root').platforms('linux/sparc'))
    expect(e.message.match(/✖/g)?.length).toBe(3)
  })
})

describe('builders are immutable', () => {
  it('returns a new builder from every call and leaves the original unchanged', () => {
    const a = base()
    const b = a.go('1.23').strip()
    expect(b).not.toBe(a)
    expect(a.toSpec().go).toBeUndefined()
    expect(a.toSpec().strip).toBe(false)
    expect(b.toSpec()).toMatchObject({ go: '1.23', strip: true })
  })
  it('composes reusable chains with with()', () => {
    const hardened = (s: GoService) => s.strip().runtime('scratch')
    expect(base().with(hardened).toSpec()).toMatchObject({ strip: true, runtime: 'scratch' })
  })
  it('has sensible defaults: static base, nonroot user, linux/amd64', () => {
    expect(base().toSpec()).toMatchObject({ runtime: 'static', platforms: ['linux/amd64'], main: '.' })
    expect(base().plan().runtime.config.user).toBe('65532:65532')
  })
  it("keeps an image base's own user unless one is given", () => {
    expect(base().runtime('alpine:3.20').plan().runtime.config.user).toBeNull()
    expect(base().runtime('alpine:3.20').user('1000:1000').plan().runtime.config.user).toBe('1000:1000')
  })
})
