// The target platforms a Go service image can be built for. Container images
// are Linux; the GOARCH/GOARM mapping lives here so plan and renderers agree.
export const PLATFORMS = {
  'linux/amd64': {
    os: 'linux',
    architecture: 'amd64',
    goarch: 'amd64',
    elfMachine: 'x86_64',
    triple: 'x86_64-linux-gnu',
  },
  'linux/arm64': {
    os: 'linux',
    architecture: 'arm64',
    goarch: 'arm64',
    elfMachine: 'aarch64',
    triple: 'aarch64-linux-gnu',
  },
  'linux/arm/v7': {
    os: 'linux',
    architecture: 'arm',
    variant: 'v7',
    goarch: 'arm',
    goarm: '7',
    elfMachine: 'arm',
    triple: 'arm-linux-gnueabihf',
  },
  'linux/arm/v6': {
    os: 'linux',
    architecture: 'arm',
    variant: 'v6',
    goarch: 'arm',
    goarm: '6',
    elfMachine: 'arm',
    triple: 'arm-linux-gnueabi',
  },
  'linux/386': { os: 'linux', architecture: '386', goarch: '386', elfMachine: 'i386', triple: 'i686-linux-gnu' },
  'linux/ppc64le': {
    os: 'linux',
    architecture: 'ppc64le',
    goarch: 'ppc64le',
    elfMachine: 'ppc64',
    triple: 'powerpc64le-linux-gnu',
  },
  'linux/s390x': {
    os: 'linux',
    architecture: 's390x',
    goarch: 's390x',
    elfMachine: 's390x',
    triple: 's390x-linux-gnu',
  },
  'linux/riscv64': {
    os: 'linux',
    architecture: 'riscv64',
    goarch: 'riscv64',
    elfMachine: 'riscv64',
    triple: 'riscv64-linux-gnu',
  },
} as const satisfies Record<string, PlatformInfo>

export interface PlatformInfo {
  readonly os: 'linux'
  readonly architecture: string
  readonly variant?: string
  readonly goarch: string
  readonly goarm?: string
  /** The machine name our ELF reader reports for this target. */
  readonly elfMachine: string
  /** GNU triple, for `<triple>-strip`. */
  readonly triple: string
}

export type Platform = keyof typeof PLATFORMS
export const PLATFORM_NAMES = Object.keys(PLATFORMS) as [Platform, ...Platform[]]

export function platformInfo(p: Platform): PlatformInfo {
  return PLATFORMS[p]
}

/** Node's process.arch → our platform name, for "can the host run this?" checks. */
export function hostPlatform(arch: string = process.arch): Platform | undefined {
  const m: Record<string, Platform> = {
    x64: 'linux/amd64',
    arm64: 'linux/arm64',
    ia32: 'linux/386',
    ppc64: 'linux/ppc64le',
    s390x: 'linux/s390x',
    riscv64: 'linux/riscv64',
  }
  return process.platform === 'linux' ? m[arch] : undefined
}
