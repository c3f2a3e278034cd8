// The one source of the environment of every host `go` process a plan runs:
// the local engine's download and builds, and a workspace's shared download,
// compile and vendoring. Host env (minus what shapes the binary), then the
// toolchain switch, then the secrets, then the plan's own env.
import type { BuildPlan } from '../plan/build-plan.js'
import { buildHostEnv } from './host-env.js'
import { resolveGo, type ResolvedGo } from './go-toolchain.js'
import { hostSecretEnv } from './host-secrets.js'

export interface GoEnv {
  readonly go: ResolvedGo
  /** The env for one go command: `planEnv` is a target's env, or the plan's moduleEnv. */
  forCommand(planEnv: Readonly<Record<string, string>>): NodeJS.ProcessEnv
}

/**
 * Resolves the plan's Go and writes its file secrets under `work`, a private
 * folder the caller removes; go's own temp folders go there too, so a
 * cancelled command leaves none behind.
 */
export async function prepareGoEnv(plan: Pick<BuildPlan, 'go' | 'secrets'>, hostEnv: NodeJS.ProcessEnv, work: string): Promise<GoEnv> {
  const go = await resolveGo(plan.go, hostEnv)
  const base = { ...buildHostEnv(hostEnv), ...go.env, ...(await hostSecretEnv(plan.secrets, hostEnv, work)) }
  return { go, forCommand: (planEnv) => ({ ...base, ...planEnv, GOTMPDIR: work }) }
}
