// What `platforms: 'all'` (.platforms('all'), --platform all) builds: every
// platform of an image base, as its index lists it, or for `static` and
// `scratch` (which gostatic makes itself) the documented set below. What .cgo()
// cannot build is left out with a warning, never an error, so 'all' always
// means "as many as can be served"; UPX keeps its per-platform verdicts (a
// refused platform is built unpacked, with the plan's warning).
import { ErrorCode, GostaticError } from '../errors.js'
import { hint } from '../hints.js'
import { CGO_PLATFORMS } from '../spec/cgo-options.js'
import { PLATFORM_NAMES, type Platform } from '../spec/platform.js'
import type { ServiceSpec } from '../spec/service-spec.js'
import { baseOf, pulledRef } from './runtime-bases.js'

/** The platforms a base the plan does not make offers, as `os/arch[/variant]` (read from its index by build()). */
export interface BasePlatforms {
  readonly ref: string
  readonly platforms: readonly string[]
}

/** 'all' on static and scratch: the platforms Go and the common base images (distroless, alpine) share. */
export const ALL_PLATFORMS = [
  'linux/amd64',
  'linux/arm64',
  'linux/arm/v7',
  'linux/ppc64le',
  'linux/s390x',
  'linux/riscv64',
] as const satisfies readonly Platform[]

/** A spec whose platforms are a list: what every rule after choosePlatforms reads. */
export type PlannedSpec = ServiceSpec & { readonly platforms: Platform[] }

export interface PlatformChoice {
  readonly platforms: Platform[]
  readonly warnings: string[]
}

/** The spec's platforms with 'all' expanded; `host` is the machine's platform (musl-gcc builds only for it). */
export function choosePlatforms(spec: ServiceSpec, base: BasePlatforms | null, host: Platform | null): PlatformChoice {
  if (spec.platforms !== 'all') return { platforms: [...spec.platforms], warnings: [] }
  const warnings: string[] = []
  let platforms: Platform[] = [...ALL_PLATFORMS]
  const ref = pulledRef(baseOf(spec.runtime))
  if (ref !== null) {
    if (base === null || base.ref !== ref)
      throw new GostaticError(
        ErrorCode.INVALID_SPEC,
        `invalid service '${spec.name}': platforms 'all' on the image base ${ref} is every platform its index ` +
          `lists, which build() reads from the registry; plan(), explain() and dockerfile() cannot`,
        {
          hint: `list the platforms, e.g. ${hint('platforms', { platforms: ['linux/amd64', 'linux/arm64'] })}`,
        },
      )
    const known = new Set<string>(PLATFORM_NAMES)
    platforms = PLATFORM_NAMES.filter((p) => base.platforms.includes(p))
    const other = [...new Set(base.platforms.filter((p) => !known.has(p)))]
    if (other.length > 0)
      warnings.push(`platforms 'all': ${ref} also has ${other.join(', ')}, which gostatic does not build; left out`)
    if (platforms.length === 0)
      throw new GostaticError(
        ErrorCode.PLATFORM_NOT_FOUND,
        `invalid service '${spec.name}': platforms 'all': the image base ${ref} has no platform gostatic builds ` +
          `(it has ${base.platforms.join(', ') || 'none'}); gostatic builds ${PLATFORM_NAMES.join(', ')}`,
      )
  }
  if (spec.cgo !== undefined) {
    const cgo: readonly Platform[] = spec.cgo.toolchain === 'musl-gcc' ? (host === null ? [] : [host]) : CGO_PLATFORMS
    const out = platforms.filter((p) => !cgo.includes(p))
    platforms = platforms.filter((p) => cgo.includes(p))
    if (out.length > 0)
      warnings.push(
        `platforms 'all': ${out.join(', ')} left out: ` +
          (spec.cgo.toolchain === 'musl-gcc'
            ? `musl-gcc compiles for this machine's platform (${host ?? 'unknown'}) only`
            : `.cgo() builds static binaries for ${CGO_PLATFORMS.join(' and ')} only`),
      )
    if (platforms.length === 0)
      throw new GostaticError(
        ErrorCode.INVALID_SPEC,
        `invalid service '${spec.name}': platforms 'all' leaves no platform .cgo() can build ` + `(${warnings.at(-1)})`,
      )
  }
  return { platforms, warnings }
}
