// .cgo(): which C toolchain builds, and the env, tags and link flags that make
// a cgo binary static with it. Pure: the host facts (is zig there? which
// platform is this?) were read before planning and come in as CgoFacts.
import { ErrorCode, GostaticError } from '../errors.js'
import type { CgoFacts, CgoToolchain } from '../spec/cgo-options.js'
import type { Platform } from '../spec/platform.js'
import type { ServiceSpec } from '../spec/service-spec.js'
import type { BuilderTool, CgoPlan, CgoTool } from './build-plan.js'
import { KNOWN_CGO_MODULES, isKnownModule, type KnownCgoModule } from './known-cgo-modules.js'

/** The ziglang wheel builders install (pip install ziglang==<this>); scripts/zig.sh pins the same. */
export const ZIG_VERSION = '0.17.1'

/** zig's musl target per platform (the spec allows cgo only where this has an entry). */
const ZIG_TARGETS: Partial<Record<Platform, string>> = {
  'linux/amd64': 'x86_64-linux-musl',
  'linux/arm64': 'aarch64-linux-musl',
}

/** Tags every static cgo build gets: the Go resolver and the Go /etc/passwd reader, not libc's. */
export const CGO_BASE_TAGS = ['netgo', 'osusergo'] as const

const ZIG_HOME = `/opt/ziglang-${ZIG_VERSION}`
const ZIG_INSTALL =
  `pip install ziglang==${ZIG_VERSION} (then python3 -m ziglang runs it), or give its path with .cgo({ zig: '/path/to/zig' })`

/** Where a zig is looked for: .cgo({ zig }), else PATH, else the ziglang wheel. */
export function zigTool(spec: ServiceSpec): CgoTool {
  return { command: 'zig', path: spec.cgo?.zig ?? null, lookup: ['path', 'python3 -m ziglang'], version: ZIG_VERSION, install: ZIG_INSTALL }
}

const TOOLS: Record<CgoToolchain, (spec: ServiceSpec) => CgoTool> = {
  zig: zigTool,
  'musl-gcc': () => ({
    command: 'musl-gcc',
    path: null,
    lookup: ['path'],
    version: null,
    install: "apt-get install musl-tools (Debian and Ubuntu; it builds for the machine's own platform only), or use zig",
  }),
}

/** The plan's cgo part, or null when the spec has no .cgo(). */
export function cgoPlan(spec: ServiceSpec, facts: CgoFacts | null): CgoPlan | null {
  if (spec.cgo === undefined) return null
  const { toolchain, why } = chooseToolchain(spec, facts)
  if (toolchain === 'musl-gcc' && facts?.host != null) {
    const foreign = spec.platforms.filter((p) => p !== facts.host)
    if (foreign.length > 0)
      throw new GostaticError(
        ErrorCode.INVALID_SPEC,
        `invalid service '${spec.name}': cgo.toolchain musl-gcc compiles for this machine's platform (${facts.host}) only, not ${foreign.join(', ')}`,
        { hint: ".cgo({ toolchain: 'zig' }) cross-compiles to linux/amd64 and linux/arm64" },
      )
  }
  return {
    toolchain,
    why,
    tool: TOOLS[toolchain](spec),
    moduleTags: moduleTags(facts),
    cache: toolchain === 'zig' ? { env: ['ZIG_GLOBAL_CACHE_DIR', 'ZIG_LOCAL_CACHE_DIR'], name: 'zig', builderPath: '/root/.cache/zig' } : null,
  }
}

function chooseToolchain(spec: ServiceSpec, facts: CgoFacts | null): { toolchain: CgoToolchain; why: string } {
  const asked = spec.cgo?.toolchain
  if (asked !== undefined) return { toolchain: asked, why: `.cgo({ toolchain: '${asked}' }) names it.` }
  if (spec.cgo?.zig !== undefined) return { toolchain: 'zig', why: `.cgo({ zig: '${spec.cgo.zig}' }) names a zig.` }
  if (facts === null) return { toolchain: 'zig', why: '.cgo() picks zig (no host facts were given, so musl-gcc was not considered).' }
  if (facts.zig !== false) return { toolchain: 'zig', why: `.cgo() picks zig${facts.zig ? ', which this machine has' : ''}.` }
  const foreign = spec.platforms.filter((p) => p !== facts.host)
  if (foreign.length > 0)
    return { toolchain: 'zig', why: `.cgo() picks zig although this machine has none: musl-gcc cannot build ${foreign.join(', ')} here.` }
  if (facts.muslGcc !== true) return { toolchain: 'zig', why: '.cgo() picks zig: this machine has neither zig nor musl-gcc.' }
  return {
    toolchain: 'musl-gcc',
    why: `.cgo() picks musl-gcc: this machine has no zig, has musl-gcc, and every target is its own platform (${facts.host}).`,
  }
}

/** The known modules' tags: those the module requires, or every known module's when there are no facts. */
function moduleTags(facts: CgoFacts | null): CgoPlan['moduleTags'] {
  return KNOWN_CGO_MODULES.flatMap((k) => {
    if (k.cgoTags === undefined) return []
    if (facts !== null && !facts.requires.some((m) => isKnownModule(m, k))) return []
    return [{ module: k.module, tags: k.cgoTags.tags, why: k.cgoTags.why }]
  })
}

/** What doctor suggests besides a replacement: .cgo(), with the tags the plan will add for the module. */
export function cgoSuggestion(known: KnownCgoModule | undefined): { call: string; tags: string[]; note: string } {
  const why = known?.cgoTags === undefined ? '' : ` ${known.cgoTags.tags.join(', ')}: ${known.cgoTags.why}.`
  return {
    call: ".cgo() (gostatic build --cgo)",
    tags: [...CGO_BASE_TAGS, ...(known?.cgoTags?.tags ?? [])],
    note:
      'a static cgo build with zig or musl-gcc: the plan sets CGO_ENABLED=1, the C toolchain, ' +
      `-linkmode external -extldflags '-static' and these tags, and verifies the binary is static.${why}`,
  }
}

/** CC and CXX for one target. musl-gcc has no C++ compiler, so CXX stays unset. */
export function cgoCompilers(cgo: CgoPlan, platform: Platform): Record<string, string> {
  if (cgo.toolchain === 'musl-gcc') return { CC: 'musl-gcc' }
  const target = ZIG_TARGETS[platform]
  if (target === undefined)
    throw new GostaticError(ErrorCode.UNSUPPORTED, `.cgo() with zig has no target for ${platform}; it builds ${Object.keys(ZIG_TARGETS).join(', ')}`)
  return { CC: `zig cc -target ${target}`, CXX: `zig c++ -target ${target}` }
}

/** The tags a cgo build adds to the user's: netgo, osusergo and the known modules'. */
export function cgoTags(cgo: CgoPlan): string[] {
  return [...CGO_BASE_TAGS, ...cgo.moduleTags.flatMap((m) => m.tags)]
}

/**
 * -linkmode external -extldflags '-static': the C linker links the binary,
 * and links it static. zig cc lets a later -g undo the -s Go passes it (cgo's
 * default CGO_LDFLAGS is '-O2 -g'), so for zig the linker is told to strip too.
 */
export function cgoLinkFlags(cgo: CgoPlan): string[] {
  const ext = cgo.toolchain === 'zig' ? "'-static -Wl,--strip-all'" : "'-static'"
  return ['-linkmode', 'external', '-extldflags', ext]
}

/** What the builder stage (Dockerfile, Dagger) installs for the toolchain when its image lacks it. */
export function cgoBuilderTools(cgo: CgoPlan, manager: 'apk' | 'apt'): BuilderTool[] {
  if (cgo.toolchain === 'musl-gcc')
    return manager === 'apk'
      ? [{ command: 'musl-gcc', package: 'musl-dev', setup: ['ln -sf "$(command -v gcc)" /usr/local/bin/musl-gcc'] }, { command: 'gcc', package: 'gcc' }]
      : [{ command: 'musl-gcc', package: 'musl-tools' }]
  // The wheel gives every builder the pinned zig; --target keeps pip out of the system's Python.
  const setup = [
    `python3 -m pip install --no-cache-dir --no-deps --target ${ZIG_HOME} ziglang==${ZIG_VERSION}`,
    `ln -sf ${ZIG_HOME}/ziglang/zig /usr/local/bin/zig`,
  ]
  return [{ command: 'zig', package: manager === 'apk' ? 'py3-pip' : 'python3-pip', setup }]
}
