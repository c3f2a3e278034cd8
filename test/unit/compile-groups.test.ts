import { describe, expect, it } from 'vitest'
import { goService } from '../../src/index.js'
import { compileGroups } from '../../src/workspace/compile-shared.js'
import type { BuildPlan } from '../../src/plan/build-plan.js'

const svc = (name: string, main: string) => goService({ name, source: '/repo/platform', main })
const shared = (plans: BuildPlan[]) => plans.map((plan) => ({ plan, digest: null }))

describe('shared compile groups', () => {
  it('groups services of one module and target even when their -ldflags differ', () => {
    const plans = [svc('api', './cmd/api').ldflags({ X: { 'main.v': '1' } }).plan(), svc('worker', './cmd/worker').plan()]
    const groups = compileGroups(shared(plans))
    expect(groups).toHaveLength(1)
    expect(groups[0]!.packages).toEqual(['./cmd/api', './cmd/worker'])
    expect(groups[0]!.args).not.toContain('-ldflags')
  })
  it('keeps services with different tags, platforms or modules apart, and skips groups of one', () => {
    const plans = [
      svc('a', './cmd/a').tags('x').plan(),
      svc('b', './cmd/b').plan(),
      goService({ name: 'c', source: '/repo/tools', main: './cmd/c' }).plan(),
      svc('d', './cmd/d').platforms('linux/arm64').plan(),
    ]
    expect(compileGroups(shared(plans))).toEqual([])
  })
})
