// Picks the Go toolchain the plan asks for on this host: the host `go` when it
// is new enough, else GOTOOLCHAIN so Go fetches the version through the proxy.
import { ErrorCode, GostaticError, ToolError } from '../../errors.js'
import type { GoPlan } from '../../plan/build-plan.js'
import { runTool } from '../../util/run-tool.js'

export interface ResolvedGo {
  /** e.g. 'go1.26.8' */
  readonly hostVersion: string
  /** The version that will build, after any toolchain switch. */
  readonly version: string
  /** Env to add for the switch (GOTOOLCHAIN), empty when the host Go is used. */
  readonly env: Readonly<Record<string, string>>
  readonly goroot: string
}

export async function resolveGo(plan: GoPlan, baseEnv: NodeJS.ProcessEnv): Promise<ResolvedGo> {
  const host = await goEnv(['GOVERSION', 'GOROOT'], baseEnv)
  const hostVersion = host[0]!
  if (plan.version === null || compareGo(hostVersion.slice(2), plan.version) >= 0)
    return { hostVersion, version: hostVersion, env: {}, goroot: host[1]! }
  const env = { GOTOOLCHAIN: plan.toolchainIfOlder! }
  let switched: string[]
  try {
    switched = await goEnv(['GOVERSION', 'GOROOT'], { ...baseEnv, ...env })
  } catch (e) {
    const detail = e instanceof ToolError ? e.stderr.trim() : (e as Error).message
    throw new GostaticError(
      ErrorCode.GO_VERSION,
      `the plan asks for Go ${plan.version}, the host has ${hostVersion}, and switching with GOTOOLCHAIN=${env.GOTOOLCHAIN} failed: ${detail}`,
      { hint: `install Go ${plan.version} or newer, or make the Go module proxy reachable (GOPROXY) so Go can fetch ${env.GOTOOLCHAIN}` },
    )
  }
  return { hostVersion, version: switched[0]!, env, goroot: switched[1]! }
}

async function goEnv(keys: string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  const r = await runTool('go', ['env', ...keys], { env })
  if (r.exitCode !== 0) throw new ToolError(ErrorCode.TOOL_FAILED, `go env failed: ${r.stderr.trim()}`, r)
  return r.stdout.trim().split('\n')
}

/** Compares Go versions like '1.26.8', '1.23', '1.24rc1'. Missing patch = .0; rc/beta sort before the release. */
export function compareGo(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?/.exec(v.replace(/^go/, ''))
    if (!m) return [0, 0, 0, 0]
    const pre = m[4] === undefined ? 1000 : m[4] === 'rc' ? 500 + Number(m[5]) : Number(m[5])
    return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0), pre]
  }
  const x = parse(a)
  const y = parse(b)
  for (let i = 0; i < 4; i++) if (x[i]! !== y[i]!) return x[i]! - y[i]!
  return 0
}
