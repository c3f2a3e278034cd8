// Which C toolchain a .cgo() build uses, and how an engine finds it. Pure:
// the host facts (is zig there? which platform is this?) were read before
// planning and come in as CgoFacts.
import { ErrorCode, GostaticError } from '../errors.js'
import type { CgoFacts, CgoToolchain } from '../spec/cgo-options.js'
import type { ServiceSpec } from '../spec/service-spec.js'
import type { PlannedSpec } from './all-platforms.js'
import type { CgoTool } from './build-plan.js'
import { hint } from '../hints.js'

/** The ziglang wheel builders install (pip install ziglang==<this>); scripts/zig.sh pins the same. */
export const ZIG_VERSION = '0.17.1'

const ZIG_INSTALL =
  `pip install ziglang==${ZIG_VERSION} (then python3 -m ziglang runs it), ` + `or give its path with ${hint('cgo-zig')}`

/** Where a zig is looked for: .cgo({ zig }), else PATH, else the ziglang wheel. */
export function zigTool(spec: ServiceSpec): CgoTool {
  return {
    command: 'zig',
    path: spec.cgo?.zig ?? null,
    lookup: ['path', 'python3 -m ziglang'],
    version: ZIG_VERSION,
    install: ZIG_INSTALL,
  }
}

export const CGO_TOOLS: Record<CgoToolchain, (spec: ServiceSpec) => CgoTool> = {
  zig: zigTool,
  'musl-gcc': () => ({
    command: 'musl-gcc',
    path: null,
    lookup: ['path'],
    version: null,
    install:
      "apt-get install musl-tools (Debian and Ubuntu; it builds for the machine's own platform only), or use " + 'zig',
  }),
}

export interface ToolchainChoice {
  readonly toolchain: CgoToolchain
  readonly why: string
}

/** The spec's toolchain, or what .cgo() alone picks from the facts; musl-gcc for another platform is refused. */
export function chooseToolchain(spec: PlannedSpec, facts: CgoFacts | null): ToolchainChoice {
  const choice = pick(spec, facts)
  const foreign = spec.platforms.filter((p) => facts?.host != null && p !== facts.host)
  if (choice.toolchain === 'musl-gcc' && foreign.length > 0)
    throw new GostaticError(
      ErrorCode.INVALID_SPEC,
      `invalid service '${spec.name}': cgo.toolchain musl-gcc compiles for this machine's platform ` +
        `(${facts!.host}) only, not ${foreign.join(', ')}`,
      { hint: `${hint('cgo', { toolchain: 'zig' })} cross-compiles to linux/amd64 and linux/arm64` },
    )
  return choice
}

function pick(spec: PlannedSpec, facts: CgoFacts | null): ToolchainChoice {
  const zig = (why: string): ToolchainChoice => ({ toolchain: 'zig', why })
  const asked = spec.cgo?.toolchain
  if (asked !== undefined) return { toolchain: asked, why: `${hint('cgo', { toolchain: asked })} names it.` }
  if (spec.cgo?.zig !== undefined) return zig(`.cgo({ zig: '${spec.cgo.zig}' }) names a zig.`)
  if (facts === null) return zig(`${hint('cgo')} picks zig (no host facts were given, so musl-gcc was not considered).`)
  if (facts.zig !== false) return zig(`${hint('cgo')} picks zig${facts.zig ? ', which this machine has' : ''}.`)
  const foreign = spec.platforms.filter((p) => p !== facts.host)
  if (foreign.length > 0)
    return zig(
      `${hint('cgo')} picks zig although this machine has none: musl-gcc cannot build ${foreign.join(', ')} here.`,
    )
  if (facts.muslGcc !== true) return zig(`${hint('cgo')} picks zig: this machine has neither zig nor musl-gcc.`)
  return {
    toolchain: 'musl-gcc',
    why:
      `${hint('cgo')} picks musl-gcc: this machine has no zig, has musl-gcc, ` +
      `and every target is its own platform (${facts.host}).`,
  }
}
