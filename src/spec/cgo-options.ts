// .cgo(): a static cgo build with a C toolchain gostatic knows how to make
// static (zig, or Debian's musl-gcc), and the host facts the plan's choice
// between them reads. The flags live in plan/cgo-plan.ts.
import { z } from 'zod'
import { ErrorCode, GostaticError } from '../errors.js'
import { PLATFORM_NAMES, type Platform } from './platform.js'
import { strict } from './strict.js'

export const CGO_TOOLCHAINS = ['zig', 'musl-gcc'] as const

/** The platforms a static cgo build is made and tested for (zig's x86_64-linux-musl and aarch64-linux-musl). */
export const CGO_PLATFORMS = ['linux/amd64', 'linux/arm64'] as const satisfies readonly Platform[]

export const CgoOptionsSchema = strict({
  /** Unset: zig, or musl-gcc when zig is absent and every target is the host's platform. */
  toolchain: z
    .enum(CGO_TOOLCHAINS, {
      error: (iss) => `unknown cgo toolchain '${String(iss.input)}'; allowed: ${CGO_TOOLCHAINS.join(', ')}`,
    })
    .optional(),
  /** The zig executable on the machine that builds (the local engine), instead of finding one. */
  zig: z.string().startsWith('/', { error: 'give the zig executable as an absolute path' }).optional(),
})

export type CgoToolchain = (typeof CGO_TOOLCHAINS)[number]
export type CgoOptions = z.infer<typeof CgoOptionsSchema>

/**
 * What the machine that builds has, read before planning (GoService.plan()
 * does) so the plan stays pure: which toolchain `.cgo()` alone picks, and
 * which known cgo modules the service requires (their tags).
 */
export const CgoFactsSchema = strict({
  /** The platform of the machine that builds; null when it is not one gostatic builds for. */
  host: z.enum(PLATFORM_NAMES).nullable(),
  /** A zig was found: .cgo({ zig }), on PATH, or as python3 -m ziglang; null: not looked for (the spec names one). */
  zig: z.boolean().nullable(),
  /** musl-gcc is on PATH; null: not looked for. */
  muslGcc: z.boolean().nullable(),
  /** Module paths the service's go.mod requires. */
  requires: z.array(z.string().min(1)),
})

export type CgoFacts = z.infer<typeof CgoFactsSchema>

export function parseCgoFacts(input: unknown): CgoFacts {
  const r = CgoFactsSchema.safeParse(input)
  if (r.success) return r.data
  throw new GostaticError(ErrorCode.INVALID_SPEC, `invalid cgo host facts:\n${z.prettifyError(r.error)}`)
}
