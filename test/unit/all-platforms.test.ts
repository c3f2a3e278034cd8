// platforms 'all' is a plan decision: the documented set on static and
// scratch, the base's own platforms on an image base, narrowed (with a
// warning, never an error) to what .cgo() can build; UPX keeps its verdict
// per platform. Pure: no Go, no registry.
import { describe, expect, it } from 'vitest'
import { goService, plan } from '../../src/index.js'
import { parseCLI, type ServiceFlags } from '../../src/cli/parse-cli.js'
import { servicesFromFlags } from '../../src/cli/services-from-flags.js'
import type { CgoFacts } from '../../src/spec/cgo-options.js'
import { thrownBy } from '../support/errors.js'

const svc = () => goService({ name: 'api', source: '/src/api' })
const hostFacts: CgoFacts = { host: 'linux/amd64', zig: true, muslGcc: true, requires: [] }
const errorOf = thrownBy
const ALL = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/ppc64le', 'linux/s390x', 'linux/riscv64']

describe("platforms 'all'", () => {
  it.each(['static', 'scratch'])('on %s is the documented set, arm/v7 with GOARM=7 and the OCI variant v7', (runtime) => {
    const p = svc().runtime(runtime).platforms('all').plan()
    expect(p.targets.map((t) => t.platform)).toEqual(ALL)
    const arm = p.targets.find((t) => t.platform === 'linux/arm/v7')!
    expect(arm).toMatchObject({ architecture: 'arm', variant: 'v7', env: { GOARCH: 'arm', GOARM: '7' } })
    expect(p.warnings).toEqual([])
  })

  it('keeps UPX per platform: amd64 packed, the others built unpacked with the upx warning', () => {
    const p = svc().platforms('all').upx().plan()
    expect(p.targets.map((t) => t.upx.kind)).toEqual(['pack', 'refused', 'refused', 'refused', 'refused', 'refused'])
    expect(p.warnings).toHaveLength(5)
    expect(p.warnings[0]).toMatch(/^upx skipped for linux\/arm64 \(platform rule\)/)
  })

  it('narrows to what .cgo() builds, with a warning', () => {
    const p = plan(svc().runtime('scratch').platforms('all').cgo().toSpec(), null, hostFacts)
    expect(p.targets.map((t) => t.platform)).toEqual(['linux/amd64', 'linux/arm64'])
    expect(p.warnings[0]).toBe(
      "platforms 'all': linux/arm/v7, linux/ppc64le, linux/s390x, linux/riscv64 left out: .cgo() builds static " +
        'binaries for linux/amd64 and linux/arm64 only',
    )
    const musl = plan(svc().runtime('scratch').platforms('all').cgo({ toolchain: 'musl-gcc' }).toSpec(), null, hostFacts)
    expect(musl.targets.map((t) => t.platform)).toEqual(['linux/amd64'])
    expect(musl.warnings[0]).toContain("musl-gcc compiles for this machine's platform (linux/amd64) only")
  })

  it("on an image base is every platform gostatic builds of the base's index", () => {
    const spec = svc().runtime('127.0.0.1:5000/base:1').platforms('all').toSpec()
    const base = { ref: '127.0.0.1:5000/base:1', platforms: ['linux/arm64', 'linux/amd64', 'linux/arm/v5', 'windows/amd64'] }
    const p = plan(spec, null, null, base)
    expect(p.targets.map((t) => t.platform)).toEqual(['linux/amd64', 'linux/arm64'])
    expect(p.warnings).toEqual([
      "platforms 'all': 127.0.0.1:5000/base:1 also has linux/arm/v5, windows/amd64, which gostatic does not build; left out",
    ])
  })

  it("on an image base without its platforms (plan(), explain()) says build() reads them", () => {
    const e = errorOf(() => svc().runtime('127.0.0.1:5000/base:1').platforms('all').plan())
    expect(e.code).toBe('INVALID_SPEC')
    expect(e.message).toContain("platforms 'all' on the image base 127.0.0.1:5000/base:1 is every platform its index lists")
    const none = errorOf(() => plan(svc().runtime('127.0.0.1:5000/base:1').platforms('all').toSpec(), null, null, { ref: '127.0.0.1:5000/base:1', platforms: ['windows/amd64'] }))
    expect(none).toMatchObject({ code: 'PLATFORM_NOT_FOUND', message: expect.stringContaining('has no platform gostatic builds (it has windows/amd64)') })
  })

  it("refuses 'all' next to another platform, naming the field", () => {
    expect(() => svc().platforms('all', 'linux/amd64').toSpec()).toThrow("'all' stands alone: give it as the only platform")
  })

  it('--platform all reaches the plan from the CLI', async () => {
    const cli = parseCLI(['plan', 'examples/hello', '--platform', 'all'])
    const [s] = await servicesFromFlags('examples/hello', (cli as { flags: ServiceFlags }).flags)
    expect(s!.plan().targets.map((t) => t.platform)).toEqual(ALL)
  })
})
