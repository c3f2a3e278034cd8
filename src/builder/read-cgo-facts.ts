// Reads the host facts a .cgo() plan needs, once, before planning: is there a
// zig or a musl-gcc, which platform is this machine, which modules does
// go.mod require. plan() stays pure; this is the I/O.
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ServiceSpec } from '../spec/service-spec.js'
import type { CgoFacts } from '../spec/cgo-options.js'
import { hostPlatform } from '../spec/platform.js'
import { goModRequires } from '../spec/go-mod-directives.js'
import { zigTool } from '../plan/cgo-plan.js'
import { findCgoTool } from '../toolchain/cgo-tools.js'
import { findOnPath } from '../util/find-on-path.js'

/** null when the spec has no .cgo(). */
export function readCgoFacts(spec: ServiceSpec, env: NodeJS.ProcessEnv = process.env): CgoFacts | null {
  if (spec.cgo === undefined) return null
  const goMod = join(resolve(spec.source), 'go.mod')
  // Only .cgo() alone chooses between the toolchains: look for them only then.
  const choose = spec.cgo.toolchain === undefined && spec.cgo.zig === undefined
  return {
    host: hostPlatform() ?? null,
    zig: choose ? findCgoTool(zigTool(spec), env) !== null : null,
    muslGcc: choose ? findOnPath('musl-gcc', env) !== null : null,
    requires: existsSync(goMod) ? goModRequires(readFileSync(goMod, 'utf8')) : [],
  }
}
