// The one step loop both engines share: cancellation, events and timing
// around an exhaustive handler map. An engine supplies only its handlers and
// how its own errors read; adding a Step kind is a type error in each map.
import { ErrorCode, GostaticError } from '../errors.js'
import type { BuildPlan, Step, StepKind } from '../plan/build-plan.js'
import { silentStep, type StepEngine } from '../plan/silent-steps.js'
import type { Platform } from '../spec/platform.js'
import type { EventSink } from './events.js'

export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>
export type StepHandlers<C> = { [K in StepKind]: (s: StepOf<K>, c: C) => Promise<string | void> }

export interface StepLoop<C> {
  readonly plan: BuildPlan
  /** Which engine runs the steps: the plan says which of its steps it runs silently. */
  readonly engine: StepEngine
  readonly handlers: StepHandlers<C>
  readonly context: C
  readonly emit: EventSink
  readonly signal?: AbortSignal | undefined
  /** Turns a handler's failure into the error the caller sees (Dagger's errors are translated). */
  readonly failure?: (e: unknown, platform: Platform | undefined) => unknown
}

/**
 * Runs every step of the plan in order, each reported as step-start and step-done with its time; a step the
 * engine runs silently (plan/silent-steps.ts) runs unreported.
 */
export async function runSteps<C>(loop: StepLoop<C>): Promise<void> {
  const { plan } = loop
  for (const step of plan.steps) {
    if (loop.signal?.aborted) throw new GostaticError(ErrorCode.CANCELLED, `build of ${plan.service} was cancelled`)
    const emit: EventSink = silentStep(loop.engine, step.kind) ? () => {} : loop.emit
    const platform = 'platform' in step ? step.platform : undefined
    const binary = 'binary' in step ? step.binary : undefined
    const on = { ...(platform ? { platform } : {}), ...(binary !== undefined ? { binary } : {}) }
    emit({ kind: 'step-start', service: plan.service, step: step.kind, ...on })
    const s0 = performance.now()
    let detail: string | void
    try {
      detail = await runStep(loop.handlers, step.kind, step, loop.context)
    } catch (e) {
      throw loop.failure ? loop.failure(e, platform) : e
    }
    const ms = Math.round(performance.now() - s0)
    emit({ kind: 'step-done', service: plan.service, step: step.kind, ...on, ms, ...(detail ? { detail } : {}) })
  }
}

/** `kind` is passed apart from the step so the handler's type follows it without a cast. */
function runStep<C, K extends StepKind>(h: StepHandlers<C>, kind: K, step: StepOf<K>, c: C): Promise<string | void> {
  return h[kind](step, c)
}

/** The output of the assemble-runtime step, which every plan ends with. */
export function assembled<T>(out: T | undefined): T {
  if (out === undefined) throw new GostaticError(ErrorCode.UNSUPPORTED, 'the plan has no assemble-runtime step')
  return out
}
