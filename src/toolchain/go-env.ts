// The one source of the environment of every host `go` process a plan runs:
// the local engine's download and builds, and a workspace's shared download,
// compile and vendoring. Host env (minus what shapes the binary), then the
// toolchain switch, then the secrets, then the plan's own env.
import type { BuildPlan } from '../plan/build-plan.js'
import { buildHostEnv } from './host-env.js'
import { resolveGo, type ResolvedGo } from './go-toolchain.js'
import { hostSecretEnv } from './host-secrets.js'
import { cgoToolEnv, type FoundTool } from './cgo-tools.js'
import { defaultCacheDir } from '../oci/cache-dir.js'

export interface GoEnv {
  readonly go: ResolvedGo
  /** The C toolchain of a .cgo() plan, as found on this machine; null with cgo off. */
  readonly cgoTool: FoundTool | null
  /** The env for one go command: `planEnv` is a target's env, or the plan's moduleEnv. */
  forCommand(planEnv: Readonly<Record<string, string>>): NodeJS.ProcessEnv
}

/**
 * Resolves the plan's Go and writes its file secrets under `work`, a private
 * folder the caller removes; go's own temp folders go there too, so a
 * cancelled command leaves none behind. A .cgo() plan's toolchain is found
 * here; its cache lives in `cacheDir` (null: in `work`, gone after the build).
 */
export async function prepareGoEnv(
  plan: Pick<BuildPlan, 'go' | 'secrets' | 'service'>,
  hostEnv: NodeJS.ProcessEnv,
  work: string,
  cacheDir: string | null = defaultCacheDir(hostEnv),
): Promise<GoEnv> {
  const go = await resolveGo(plan.go, hostEnv)
  const cgo = plan.go.cgo === null ? null : cgoToolEnv(plan.go.cgo, hostEnv, cacheDir ?? work, plan.service)
  const base = {
    ...buildHostEnv(hostEnv),
    ...go.env,
    ...cgo?.env,
    ...(await hostSecretEnv(plan.secrets, hostEnv, work)),
  }
  return { go, cgoTool: cgo?.found ?? null, forCommand: (planEnv) => ({ ...base, ...planEnv, GOTMPDIR: work }) }
}
