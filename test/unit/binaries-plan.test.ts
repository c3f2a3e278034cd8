// .binary() in the pure layers: the plan's steps and binaries, the Dockerfile's
// per-binary build and COPY (a layer each), the annotation inspect reads.
import { describe, expect, it } from 'vitest'
import { goService } from '../../src/index.js'
import { annotatedBinaries } from '../../src/plan/binaries.js'

const shop = () =>
  goService({ name: 'shop', source: '/nowhere' }).binary({ main: './cmd/migrate', path: '/usr/local/bin/migrate' })

describe('several binaries: plan and render', () => {
  it('plans each binary after the main one, per platform, and keeps the main entrypoint', () => {
    const p = shop().platforms('linux/amd64', 'linux/arm64').plan()
    expect(p.binaries).toEqual([{ package: './cmd/migrate', path: '/usr/local/bin/migrate' }])
    const builds = p.steps.filter((s) => s.kind === 'go-build').map((s) => `${s.platform} ${s.binary ?? 'main'}`)
    expect(builds).toEqual([
      'linux/amd64 main',
      'linux/amd64 /usr/local/bin/migrate',
      'linux/arm64 main',
      'linux/arm64 /usr/local/bin/migrate',
    ])
    expect(p.runtime.config.entrypoint).toEqual(['/usr/local/bin/shop'])
    expect(annotatedBinaries(p.runtime.annotations)).toEqual(['/usr/local/bin/migrate'])
  })

  it('renders a build and a COPY of its own for each binary', () => {
    const d = shop().dockerfile()
    expect(d).toContain('-o /out/shop.bin/1/migrate ./cmd/migrate')
    expect(d).toContain('COPY --from=build /out/shop /usr/local/bin/shop\nCOPY --from=build /out/shop.bin/1/migrate /usr/local/bin/migrate\n')
    expect(d).toContain("readelf -lW /out/shop.bin/1/migrate")
  })

  it('a plan without .binary() has no binaries and no binaries annotation', () => {
    const p = goService({ name: 'one', source: '/nowhere' }).plan()
    expect(p.binaries).toEqual([])
    expect(p.runtime.annotations).toEqual({})
  })
})
