// Readable names for the ELF header enums we report. Names follow GOARCH /
// uname -m spelling where they differ from the EM_* constants, since that is
// what a user compares them with. Anything else is reported as unknown(<n>)
// with the raw number, never guessed.

export type ElfMachine =
  | 'i386'
  | 'x86_64'
  | 'arm'
  | 'aarch64'
  | 'riscv32'
  | 'riscv64'
  | 'ppc'
  | 'ppc64'
  | 's390'
  | 's390x'
  | 'mips'
  | 'mips64'
  | 'loongarch64'
  | `unknown(${number})`

export type ElfType = 'none' | 'rel' | 'exec' | 'dyn' | 'core' | `unknown(${number})`

export type ElfOsAbi =
  'sysv' | 'hpux' | 'netbsd' | 'linux' | 'solaris' | 'freebsd' | 'openbsd' | 'arm' | 'standalone' | `unknown(${number})`

export function machineName(eMachine: number, is64: boolean): ElfMachine {
  switch (eMachine) {
    case 3:
      return 'i386'
    case 62:
      return 'x86_64'
    case 40:
      return 'arm'
    case 183:
      return 'aarch64'
    // These share one EM_* value between their 32- and 64-bit variants.
    case 243:
      return is64 ? 'riscv64' : 'riscv32'
    case 8:
      return is64 ? 'mips64' : 'mips'
    case 22:
      return is64 ? 's390x' : 's390'
    case 20:
      return 'ppc'
    // ppc64 and ppc64le share EM_PPC64; the endian field tells them apart.
    case 21:
      return 'ppc64'
    case 258:
      return 'loongarch64'
    default:
      return `unknown(${eMachine})`
  }
}

const TYPES: Record<number, ElfType> = { 0: 'none', 1: 'rel', 2: 'exec', 3: 'dyn', 4: 'core' }

export function typeName(eType: number): ElfType {
  return TYPES[eType] ?? `unknown(${eType})`
}

const OSABIS: Record<number, ElfOsAbi> = {
  0: 'sysv',
  1: 'hpux',
  2: 'netbsd',
  3: 'linux',
  6: 'solaris',
  9: 'freebsd',
  12: 'openbsd',
  97: 'arm',
  255: 'standalone',
}

export function osabiName(osabi: number): ElfOsAbi {
  return OSABIS[osabi] ?? `unknown(${osabi})`
}
