// UPX policy: pure rules. Every engine enforces the verdict the plan records.
import type { ServiceSpec } from '../spec/service-spec.js'
import type { Platform } from '../spec/platform.js'
import { upxPlatformRule } from '../spec/upx-platforms.js'
import type { UpxPlan, UpxRule } from './build-plan.js'
import { emulatorFor } from './emulator.js'
import { hint } from '../hints.js'

// UPX's own "can't" exceptions: packing is impossible, not broken, so the
// binary is kept unpacked (with a warning) unless the plan requires packing.
export const UPX_CANT =
  /(AlreadyPackedException|NotCompressibleException|CantPackException|UnknownExecutableFormatException)[^\n]*/

/** Enough variables to reproduce UPX's known crash with large environments. */
export const SMOKE_ENV_SIZE = 640

/** The smoke run's extra variables, the same for every engine. */
export function smokeEnv(size: number): [string, string][] {
  return Array.from({ length: size }, (_, i) => [`GOSTATIC_SMOKE_${i}`, `value-${i}-${'x'.repeat(32)}`])
}

/** What both engines say when the packed binary fails its smoke run; `signal` names what killed it, if known. */
export function smokeFailure(
  what: string,
  smoke: readonly string[],
  envSize: number,
  signal: string | null,
): { message: string; hint: string } {
  return {
    message:
      `the UPX-packed ${what} fails its smoke run (${smoke.join(' ') || 'no args'}) with ${envSize} environment ` +
      `variables` +
      `${signal ? `: killed by ${signal}` : ''}; the unpacked binary was not replaced`,
    hint: `${hint('upx-smoke')}; or drop ${hint('upx')}`,
  }
}

export function upxVerdict(spec: ServiceSpec, platform: Platform): UpxPlan {
  const upx = spec.upx
  if (upx === undefined) return { kind: 'none' }
  const refuse = (rule: UpxRule, message: string): UpxPlan => ({
    kind: 'refused',
    rule,
    message,
    required: upx.required,
  })
  const platformWhy = upxPlatformRule(platform, upx.policy.allowArm64)
  if (platformWhy) return refuse('platform', platformWhy)
  if (spec.buildmode === 'pie')
    return refuse(
      'buildmode',
      `UPX cannot pack -buildmode=pie Go binaries (CantPackException); drop buildmode pie or ${hint('upx')}`,
    )
  if (spec.fips)
    return refuse(
      'fips',
      `a FIPS build must run its validated module unmodified; UPX rewrites it. Remove ${hint('upx')} for FIPS builds`,
    )
  if (spec.signing !== undefined)
    return refuse(
      'signing',
      `the binary is signed with ${spec.signing}; UPX rewrites the signed bytes. Packing ` +
        `must come before signing, so remove ${hint('upx')} or sign the packed output in a later step you own`,
    )
  if (spec.environment === 'production' && upx.policy.allowProduction === undefined)
    return refuse(
      'environment',
      `packed binaries are flagged by EDR tools in production; set ${hint('upx-production')} to pack anyway ` +
        '(the reason is recorded in the image labels)',
    )
  const args = [upx.level === 'best' ? '--best' : `-${upx.level}`]
  if (upx.lzma) args.push('--lzma')
  args.push('--no-progress', '-q')
  return {
    kind: 'pack',
    args,
    testArgs: ['-t', '-q'],
    required: upx.required,
    smoke: spec.smoke,
    smokeEnvSize: SMOKE_ENV_SIZE,
    emulator: emulatorFor(platform),
  }
}
