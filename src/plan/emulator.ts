// The user-mode emulator that runs a target's binary on a machine of another
// architecture: Debian's qemu-user-static, called directly (binfmt_misc need
// not be mounted). The plan names it; an engine uses it when the binary is
// not for its own machine and the emulator is installed.
import type { Platform } from '../spec/platform.js'

const QEMU_ARCH: Record<Platform, string> = {
  'linux/amd64': 'x86_64',
  'linux/arm64': 'aarch64',
  'linux/arm/v7': 'arm',
  'linux/arm/v6': 'arm',
  'linux/386': 'i386',
  'linux/ppc64le': 'ppc64le',
  'linux/s390x': 's390x',
  'linux/riscv64': 'riscv64',
}

export function emulatorFor(platform: Platform): string {
  return `qemu-${QEMU_ARCH[platform]}-static`
}
