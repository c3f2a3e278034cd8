// Which targets UPX may pack. Shared by spec validation and the plan's UPX
// policy so the two can never disagree.
import { hint } from '../hints.js'

/**
 * Returns why UPX must not pack this target, or undefined when it may. Takes
 * any `os/arch` name, not just the Linux platforms gostatic builds, so that a
 * question about darwin or windows gets the real reason rather than "unknown".
 */
export function upxPlatformRule(p: string, allowArm64: boolean): string | undefined {
  if (p === 'linux/amd64') return undefined
  if (p === 'linux/arm64')
    return allowArm64
      ? undefined
      : `UPX-packed arm64 binaries are known to segfault at start with large environments; ${hint('upx-arm64')}`
  const os = p.split('/')[0]
  if (os === 'darwin')
    return (
      `UPX refuses macOS binaries (CantPackException: macOS is currently not supported) and packing would ` +
      `break their code signature; ${p} is not a container platform either. Remove ${hint('upx')} or the platform`
    )
  if (os === 'windows')
    return (
      `packed Windows executables are routinely quarantined by antivirus and EDR tools; ${p} is not a platform ` +
      `gostatic builds images for. Remove ${hint('upx')} or the platform`
    )
  return (
    `gostatic only packs linux/amd64 (and linux/arm64 on request); UPX support for ${p} is unreliable. Remove ` +
    `${hint('upx')} or the platform`
  )
}
