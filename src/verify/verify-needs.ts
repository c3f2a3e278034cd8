// The runtime-needs check both engines run for each target (the plan's
// check-needs step): the binary's facts go to the pure rules in plan/, and
// what comes back is applied: the files that meet unmet needs on a static
// base, the warnings and notes to report, or the error that stops the build
// before anything is written. Engines list the image's files; nothing here
// decides a rule.
import { isGostaticError } from '../errors.js'
import type { BuildPlan, RuntimePlan } from '../plan/build-plan.js'
import { applyNeedFiles, checkNeeds } from '../plan/needs-check.js'
import type { NeedVerdict } from '../plan/needs-check.js'
import { needsImage } from '../plan/needs-image.js'
import type { NeedsBase } from '../plan/needs-image.js'
import { needLine, needsError, needsProblems, needsSummary, needsUnread } from '../plan/needs-verdicts.js'
import { deriveNeeds } from '../plan/runtime-needs.js'
import type { BinaryEvidence } from '../plan/runtime-needs.js'
import { readNeedsEvidence } from '../inspect/needs-evidence.js'

export type { NeedsBase } from '../plan/needs-image.js'

/** What a build reports of a target's needs: each verdict, or why they could not be read. */
export type TargetNeeds =
  | { readonly status: 'checked'; readonly summary: string; readonly verdicts: readonly NeedVerdict[] }
  | { readonly status: 'unchecked'; readonly summary: string; readonly reason: string }

export interface VerifiedNeeds {
  readonly needs: TargetNeeds
  /** The plan's runtime plus the files that meet unmet needs (static base): what to assemble for this target. */
  readonly runtime: RuntimePlan
  /** One line per unmet need: the need, the evidence, what is missing and the fix. */
  readonly warnings: readonly string[]
  /** Unmet needs that change behaviour without failing (name-resolution). */
  readonly notes: readonly string[]
  /** For the step's event. */
  readonly detail: string
}

/**
 * Checks the needs of `bytes` (the binary before UPX) against the image the
 * plan assembles on `base` (the pulled image base; null on scratch and
 * static). Throws CGO_STUB for a known cgo stub, NEEDS_UNMET for unmet needs
 * under needs({ strict: true }). `what` names the target: "api (linux/arm64)".
 */
export function verifyNeeds(bytes: Uint8Array, plan: BuildPlan, base: NeedsBase | null, what: string): VerifiedNeeds {
  const read = evidenceOf(bytes)
  if (read.evidence === null) {
    const { error, warning } = needsUnread(read.reason, plan.needs, what)
    if (error !== null) throw error
    const needs = { status: 'unchecked', summary: 'not checked', reason: read.reason } as const
    return { needs, runtime: plan.runtime, warnings: [warning], notes: [], detail: `not checked: ${read.reason}` }
  }
  const image = needsImage(plan.runtime, base)
  const config = { env: image.env, user: image.user, workdir: plan.runtime.config.workdir }
  const check = checkNeeds(deriveNeeds(read.evidence, config), image, plan.needs)
  const error = needsError(check.verdicts, plan.needs, what)
  if (error !== null) throw error
  const problems = needsProblems(check.verdicts, plan.needs)
  const summary = needsSummary(check.verdicts)
  const added = check.add.map((f) => f.path)
  return {
    needs: { status: 'checked', summary, verdicts: check.verdicts },
    runtime: applyNeedFiles(plan.runtime, check.add),
    warnings: problems.warnings.map((v) => `${what}: ${needLine(v)}`),
    notes: problems.notes.map((v) => `${what}: ${needLine(v)}`),
    detail: `${summary}${added.length ? `, adds ${added.join(', ')}` : ''}`,
  }
}

// A damaged function table in a binary we just built is reported, not hidden: the needs go unchecked.
function evidenceOf(bytes: Uint8Array): { evidence: BinaryEvidence } | { evidence: null; reason: string } {
  try {
    return readNeedsEvidence(bytes)
  } catch (e) {
    if (!isGostaticError(e)) throw e
    return { evidence: null, reason: `unreadable: ${e.message}` }
  }
}
