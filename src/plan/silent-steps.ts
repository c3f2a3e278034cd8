// Which plan steps an engine carries out without doing anything a user would
// want to read about. The local engine builds in the source folder, so its
// copy steps copy nothing (copy-module-files only checks that go.mod is
// there); the Dagger engine really copies into its container. A silent step
// still runs (a check in it can still fail the build) but reports no events, so
// no log says `copy-sources (0 ms)`.
import type { StepKind } from './build-plan.js'

export type StepEngine = 'local' | 'dagger'

const SILENT: Record<StepEngine, readonly StepKind[]> = {
  local: ['copy-module-files', 'copy-sources'],
  dagger: [],
}

/** Whether `engine` runs `step` without anything to report. */
export function silentStep(engine: StepEngine, step: StepKind): boolean {
  return SILENT[engine].includes(step)
}
