// Needs verdicts → what a build does with them: a known cgo stub is always an
// error, an unmet warning is a warning (an error under needs({ strict: true })),
// an unmet info need is a note. Pure; the engine throws or emits what it gets.
import { ErrorCode, GostaticError } from '../errors.js'
import type { NeedsPolicy } from './build-plan.js'
import type { NeedVerdict } from './needs-check.js'
import { NEED_RULES } from './runtime-needs.js'
import { hint } from '../hints.js'

export interface NeedsProblems {
  readonly errors: readonly NeedVerdict[]
  readonly warnings: readonly NeedVerdict[]
  readonly notes: readonly NeedVerdict[]
}

export function needsProblems(verdicts: readonly NeedVerdict[], policy: Pick<NeedsPolicy, 'strict'>): NeedsProblems {
  const open = verdicts.filter((v) => v.status === 'unmet')
  const warning = open.filter((v) => v.severity === 'warning')
  return {
    errors: [...open.filter((v) => v.severity === 'error'), ...(policy.strict ? warning : [])],
    warnings: policy.strict ? [] : warning,
    notes: open.filter((v) => v.severity === 'info'),
  }
}

/** One line for a warning, a note or an error message: the need, the evidence, what is missing and the fix. */
export function needLine(v: NeedVerdict): string {
  return `${v.id} ${needBody(v)}`
}

/** needLine without the id, for places that show the id already. */
export function needBody(v: NeedVerdict): string {
  return `(${v.evidence.join(', ')}): ${v.detail}. ${v.message}. Fix: ${v.fix}`
}

/**
 * The error a build fails with, or null. `subject` names the binary, e.g.
 * "api linux/arm64". CGO_STUB when a stub is linked, else NEEDS_UNMET.
 */
export function needsError(
  verdicts: readonly NeedVerdict[],
  policy: Pick<NeedsPolicy, 'strict'>,
  subject: string,
): GostaticError | null {
  const { errors } = needsProblems(verdicts, policy)
  if (errors.length === 0) return null
  const stub = errors.find((v) => v.id === 'cgo-stub')
  if (stub !== undefined) {
    return new GostaticError(
      ErrorCode.CGO_STUB,
      `${subject} links a cgo stub that fails at run time: ${stub.message}`,
      {
        hint: stub.fix,
      },
    )
  }
  const lines = errors.map((v) => `  - ${needLine(v)}`)
  const count = errors.length === 1 ? 'a runtime need' : `${errors.length} runtime needs`
  const message = `${subject}: the image does not meet ${count} (${hint('needs-strict')}):\n${lines.join('\n')}`
  return new GostaticError(ErrorCode.NEEDS_UNMET, message, {
    hint: `meet each need as its fix says, or declare it handled with ${hint('needs-ignore')}`,
  })
}

/**
 * When a binary's needs cannot be read (not a Go function table gostatic
 * reads): a warning that says so, or under needs({ strict: true }) the error.
 */
export function needsUnread(
  reason: string,
  policy: Pick<NeedsPolicy, 'strict'>,
  subject: string,
): { readonly error: GostaticError | null; readonly warning: string } {
  const warning = `${subject}: runtime needs not checked: ${reason}`
  if (!policy.strict) return { error: null, warning }
  const strict = hint('needs-strict')
  const fix = `build with Go 1.18 or newer, or drop ${strict} to build with the needs unchecked`
  return { error: new GostaticError(ErrorCode.NEEDS_UNMET, `${warning} (${strict})`, { hint: fix }), warning }
}

/** A cell for a summary table: '4/4 met', 'tz, ca missing', 'cgo stub', 'no needs'. */
export function needsSummary(verdicts: readonly NeedVerdict[]): string {
  if (verdicts.length === 0) return 'no needs'
  const open = (severity: NeedVerdict['severity']): string[] =>
    verdicts.filter((v) => v.status === 'unmet' && v.severity === severity).map((v) => NEED_RULES[v.id].short)
  const [errors, missing] = [open('error'), open('warning')]
  if (errors.length + missing.length > 0)
    return [...errors, ...(missing.length ? [`${missing.join(', ')} missing`] : [])].join('; ')
  const ok = verdicts.filter((v) => v.status === 'met' || v.status === 'added').length
  const ignored = verdicts.filter((v) => v.status === 'ignored').length
  return `${ok}/${verdicts.length} met${ignored > 0 ? `, ${ignored} ignored` : ''}`
}
