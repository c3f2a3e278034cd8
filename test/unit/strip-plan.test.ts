// strip after -s -w: the plan knows the link already dropped the symbol
// table and DWARF, and says in explain() that the step removes nothing that
// runs, so a cheap strip is not mistaken for a skipped one.
import { describe, expect, it } from 'vitest'
import { goService } from '../../src/index.js'

const svc = goService({ name: 'hello', source: 'examples/hello' }).strip()

describe('strip after -s -w', () => {
  it('is marked as following the linker strip, and explained as changing nothing that runs', () => {
    const p = svc.plan()
    expect(p.targets[0]!.strip).toMatchObject({ afterLinkerStrip: true, args: ['--strip-unneeded'] })
    const step = p.explain().split('\n').find((l) => l.includes('strip --strip-unneeded'))
    expect(step).toMatch(/after -s -w it has no symbols or DWARF left to remove/)
    expect(step).toMatch(/changes nothing that runs: kept because strip\(\) asks for it/)
  })

  it('is not planned at all without strip()', () => {
    const p = goService({ name: 'hello', source: 'examples/hello' }).plan()
    expect(p.targets[0]!.strip).toBeNull()
    expect(p.steps.map((s) => s.kind)).not.toContain('strip')
  })
})
