// .cgo(): the env, tags and link flags that make a cgo binary static with the
// chosen toolchain (cgo-toolchain.ts), and what builders install for it. Pure.
import { ErrorCode, GostaticError } from '../errors.js'
import type { CgoFacts } from '../spec/cgo-options.js'
import type { Platform } from '../spec/platform.js'
import type { PlannedSpec } from './all-platforms.js'
import type { BuilderTool, CgoPlan } from './build-plan.js'
import { KNOWN_CGO_MODULES, isKnownModule, type KnownCgoModule } from './known-cgo-modules.js'
import { CGO_TOOLS, ZIG_VERSION, chooseToolchain } from './cgo-toolchain.js'
import { hint } from '../hints.js'

export { ZIG_VERSION, zigTool } from './cgo-toolchain.js'

/** zig's musl target per platform (the spec allows cgo only where this has an entry). */
const ZIG_TARGETS: Partial<Record<Platform, string>> = {
  'linux/amd64': 'x86_64-linux-musl',
  'linux/arm64': 'aarch64-linux-musl',
}

/** Tags every static cgo build gets: the Go resolver and the Go /etc/passwd reader, not libc's. */
export const CGO_BASE_TAGS = ['netgo', 'osusergo'] as const

const ZIG_HOME = `/opt/ziglang-${ZIG_VERSION}`
const ZIG_CACHE = { env: ['ZIG_GLOBAL_CACHE_DIR', 'ZIG_LOCAL_CACHE_DIR'], name: 'zig', builderPath: '/root/.cache/zig' }

/** The plan's cgo part, or null when the spec has no .cgo(). */
export function cgoPlan(spec: PlannedSpec, facts: CgoFacts | null): CgoPlan | null {
  if (spec.cgo === undefined) return null
  const { toolchain, why } = chooseToolchain(spec, facts)
  return {
    toolchain,
    why,
    tool: CGO_TOOLS[toolchain](spec),
    moduleTags: moduleTags(facts),
    cache: toolchain === 'zig' ? ZIG_CACHE : null,
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

/** CC and CXX for one target. musl-gcc has no C++ compiler, so CXX stays unset. */
export function cgoCompilers(cgo: CgoPlan, platform: Platform): Record<string, string> {
  if (cgo.toolchain === 'musl-gcc') return { CC: 'musl-gcc' }
  const target = ZIG_TARGETS[platform]
  if (target === undefined)
    throw new GostaticError(
      ErrorCode.UNSUPPORTED,
      `.cgo() with zig has no target for ${platform}; it builds ${Object.keys(ZIG_TARGETS).join(', ')}`,
    )
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
  if (cgo.toolchain === 'musl-gcc') {
    if (manager === 'apt') return [{ command: 'musl-gcc', package: 'musl-tools' }]
    // Alpine's gcc targets musl already; musl-gcc is a name for it.
    const link = 'ln -sf "$(command -v gcc)" /usr/local/bin/musl-gcc'
    return [
      { command: 'musl-gcc', package: 'musl-dev', setup: [link] },
      { command: 'gcc', package: 'gcc' },
    ]
  }
  // The wheel gives every builder the pinned zig; --target keeps pip out of the system's Python.
  const setup = [
    `python3 -m pip install --no-cache-dir --no-deps --target ${ZIG_HOME} ziglang==${ZIG_VERSION}`,
    `ln -sf ${ZIG_HOME}/ziglang/zig /usr/local/bin/zig`,
  ]
  return [{ command: 'zig', package: manager === 'apk' ? 'py3-pip' : 'python3-pip', setup }]
}

/** What doctor suggests besides a replacement: .cgo(), with the tags the plan will add for the module. */
export function cgoSuggestion(known: KnownCgoModule | undefined): { call: string; tags: string[]; note: string } {
  const why = known?.cgoTags === undefined ? '' : ` ${known.cgoTags.tags.join(', ')}: ${known.cgoTags.why}.`
  return {
    call: hint('cgo'),
    tags: [...CGO_BASE_TAGS, ...(known?.cgoTags?.tags ?? [])],
    note:
      'a static cgo build with zig or musl-gcc: the plan sets CGO_ENABLED=1, the C toolchain, ' +
      `-linkmode external -extldflags '-static' and these tags, and verifies the binary is static.${why}`,
  }
}
