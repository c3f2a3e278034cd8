// Which targets UPX may pack. Shared by spec validation and the plan's UPX
// policy so the two can never disagree.
import type { Platform } from './platform.js'

/** Returns why UPX must not pack this platform, or undefined when it may. */
export function upxPlatformRule(p: Platform, allowArm64: boolean): string | undefined {
  if (p === 'linux/amd64') return undefined
  if (p === 'linux/arm64')
    return allowArm64
      ? undefined
      : 'UPX-packed arm64 binaries are known to segfault at start with large environments; pass upx({ policy: { allowArm64: true } }) to accept that risk'
  return 'gostatic only packs linux/amd64 (and linux/arm64 on request); UPX support for this target is unreliable. Remove upx() or the platform'
}
