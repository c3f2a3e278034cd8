// The targets of a plan's .binary() programs: each is its target's build
// (same env, flags, strip, UPX verdict and checks) of another package, written
// to its own output. Engines ask here which target a step works on, so a step
// of any binary runs through the same handler as the main one's. Pure.
import { ErrorCode, GostaticError } from '../errors.js'
import type { Platform } from '../spec/platform.js'
import type { BuildPlan, TargetPlan } from './build-plan.js'

/** What a per-binary step names: its platform and, for a .binary(), that binary's image path. */
export interface BinaryStep {
  readonly platform: Platform
  readonly binary?: string | undefined
}

/** The target a step builds, verifies and checks. */
export function stepTarget(plan: BuildPlan, s: BinaryStep): TargetPlan {
  const t = plan.targets.find((x) => x.platform === s.platform)
  if (t === undefined)
    throw new GostaticError(
      ErrorCode.UNSUPPORTED,
      `the plan for ${plan.service} has a step for ${s.platform}, no target`,
    )
  if (s.binary === undefined) return t
  const i = plan.binaries.findIndex((b) => b.path === s.binary)
  const b = plan.binaries[i]
  if (b === undefined)
    throw new GostaticError(ErrorCode.UNSUPPORTED, `the plan for ${plan.service} has a step for ${s.binary}, no binary`)
  const name = b.path.slice(b.path.lastIndexOf('/') + 1)
  return { ...t, package: b.package, output: `${t.output}.bin/${i + 1}/${name}` }
}

/** The image path of the binary a step works on. */
export function stepBinaryPath(plan: BuildPlan, s: BinaryStep): string {
  return s.binary ?? plan.runtime.binaryPath
}

/** How messages name the binary of a step: "api (linux/arm64)", "api /usr/local/bin/migrate (linux/arm64)". */
export function stepWhat(plan: BuildPlan, s: BinaryStep): string {
  return `${plan.service}${s.binary === undefined ? '' : ` ${s.binary}`} (${s.platform})`
}

/** Every binary the image holds, the main one (the entrypoint) first. */
export function imageBinaries(plan: BuildPlan): { readonly package: string; readonly path: string }[] {
  return [{ package: plan.source.main, path: plan.runtime.binaryPath }, ...plan.binaries]
}

/**
 * The manifest annotation that lists the .binary() paths (a JSON array), so `inspect` finds every program of an
 * image, not only its entrypoint.
 */
export const BINARIES_ANNOTATION = 'dev.gostatic.binaries'

/** The paths the annotation lists; [] when it is absent or not a JSON array of absolute paths. */
export function annotatedBinaries(annotations: Readonly<Record<string, string>>): string[] {
  const raw = annotations[BINARIES_ANNOTATION]
  if (raw === undefined) return []
  try {
    const v: unknown = JSON.parse(raw)
    return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string' && p.startsWith('/')) : []
  } catch {
    return []
  }
}
