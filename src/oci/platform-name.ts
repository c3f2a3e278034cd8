// A platform as people and tools write it: 'linux/amd64', 'linux/arm/v7'.
import type { OciPlatform } from './oci-types.js'

export function platformName(p: OciPlatform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`
}
