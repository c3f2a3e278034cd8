// What both engines report the same way while they walk the plan's steps: a
// warning (kept for the result and sent as an event), and the outcome of the
// check-needs step (the target's needs and runtime, its warnings and notes).
import type { BuildPlan, RuntimePlan } from '../plan/build-plan.js'
import type { Platform } from '../spec/platform.js'
import type { TargetNeeds, VerifiedNeeds } from '../verify/verify-needs.js'
import type { EventSink } from './events.js'

/** The part of an engine's build context that reporting needs. */
export interface ReportContext {
  readonly plan: BuildPlan
  readonly warnings: string[]
  readonly emit: EventSink
}

export function warn(c: ReportContext, message: string, platform: Platform): void {
  c.warnings.push(message)
  c.emit({ kind: 'warning', service: c.plan.service, platform, message })
}

/** Records the check's verdicts and runtime on the target and reports them; returns the step's detail. */
export function applyNeeds(
  c: ReportContext,
  t: { needs: TargetNeeds | null; runtime: RuntimePlan | null },
  r: VerifiedNeeds,
  platform: Platform,
): string {
  t.needs = r.needs
  t.runtime = r.runtime
  for (const w of r.warnings) warn(c, w, platform)
  for (const message of r.notes) c.emit({ kind: 'info', service: c.plan.service, message })
  return r.detail
}
