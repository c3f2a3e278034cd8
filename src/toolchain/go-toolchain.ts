// Picks the Go toolchain the plan asks for on this host: the host `go` when it
// is new enough, else GOTOOLCHAIN so Go fetches the version through the proxy.
import { ErrorCode, GostaticError, ToolError } from '../errors.js'
import type { GoPlan, GoVersionSource } from '../plan/build-plan.js'
import { compareGo } from '../plan/go-version.js'
import { runTool } from '../util/run-tool.js'

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
  // GOTOOLCHAIN=local: the host's own version, whatever go.mod the current folder is in.
  const host = await hostGo(baseEnv)
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
      `${askedBy(plan.from, plan.version)} asks for Go ${plan.version}, the host has ${hostVersion}, and switching ` +
        `with GOTOOLCHAIN=${env.GOTOOLCHAIN} (GOPROXY=${host[2]}) failed: ${detail}`,
      {
        hint:
          `install Go ${plan.version} or newer on the host, or let go fetch ${env.GOTOOLCHAIN} through a module ` +
          `proxy that serves golang.org/toolchain (GOPROXY)`,
      },
    )
  }
  return { hostVersion, version: switched[0]!, env, goroot: switched[1]! }
}

const asker: { [K in GoVersionSource['kind']]: (s: Extract<GoVersionSource, { kind: K }>, version: string) => string } =
  {
    spec: (_s, v) => `.go('${v}')`,
    'toolchain-line': (s) => `the toolchain line of ${s.file} (line ${s.line})`,
    'go-line': (s) => `the go line of ${s.file} (line ${s.line})`,
    host: () => 'the plan',
  }

function askedBy(s: GoVersionSource, version: string): string {
  return (asker[s.kind] as (s: GoVersionSource, v: string) => string)(s, version)
}

async function goEnv(keys: string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  const r = await runTool('go', ['env', ...keys], { env })
  if (r.exitCode !== 0) throw new ToolError(ErrorCode.TOOL_FAILED, `go env failed: ${r.stderr.trim()}`, r)
  return r.stdout.trim().split('\n')
}

// The host's Go, asked once per env in this process: a workspace's services share it, and each would otherwise
// start a go process for the same three lines. A failure is not kept, so the next build asks again.
const hostGoSeen = new Map<string, Promise<string[]>>()
function hostGo(baseEnv: NodeJS.ProcessEnv): Promise<string[]> {
  const env = { ...baseEnv, GOTOOLCHAIN: 'local' }
  const key = JSON.stringify(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  let seen = hostGoSeen.get(key)
  if (seen === undefined) {
    seen = goEnv(['GOVERSION', 'GOROOT', 'GOPROXY'], env)
    seen.catch(() => hostGoSeen.delete(key))
    hostGoSeen.set(key, seen)
  }
  return seen
}
