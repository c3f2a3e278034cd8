// The one small interface engines report progress through.
import type { Platform } from '../spec/platform.js'
import type { StepKind } from '../plan/build-plan.js'

export type EngineEvent =
  /** `binary`: the image path of the .binary() a per-binary step works on; absent for the main binary. */
  | { kind: 'step-start'; service: string; step: StepKind; platform?: Platform; binary?: string }
  | {
      kind: 'step-done'
      service: string
      step: StepKind
      platform?: Platform
      binary?: string
      ms: number
      detail?: string
    }
  | { kind: 'warning'; service: string; platform?: Platform; message: string }
  | { kind: 'info'; service: string; message: string }
  /** A cache entry failed its check (damaged, torn by a crash, or swapped): it was discarded and rebuilt. */
  | { kind: 'cache-damaged'; service: string; entry: string; reason: string }

export type EventSink = (e: EngineEvent) => void

export const noEvents: EventSink = () => {}
