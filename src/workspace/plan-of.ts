// A service's plan for work done across services before any build (digests,
// affected services, the shared compile): its source made absolute, or null
// when its spec does not plan, which its own build then reports.
import { resolve } from 'node:path'
import type { GoService } from '../builder/go-service.js'
import type { BuildPlan } from '../plan/build-plan.js'

export function planOf(s: GoService): BuildPlan | null {
  try {
    const p = s.plan()
    return { ...p, source: { ...p.source, dir: resolve(p.source.dir) } }
  } catch {
    return null
  }
}
