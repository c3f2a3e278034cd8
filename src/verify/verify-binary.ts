// The static check both engines run before any image is written.
import { ErrorCode, GostaticError } from '../errors.js'
import type { VerifyPlan } from '../plan/build-plan.js'
import { readElf, type ElfInfo } from '../inspect/elf-reader.js'
import { readGoBuildInfo, type GoBuildInfo } from '../inspect/go-buildinfo.js'
import { readElfComment } from '../inspect/elf-comment.js'
import { assertProgram } from './program-check.js'
import { hint } from '../hints.js'

export interface VerifiedBinary {
  readonly elf: ElfInfo
  readonly buildInfo: GoBuildInfo
  /** A cgo build's .comment strings: the C compiler and linker that made it. Empty with cgo off. */
  readonly cToolchain?: readonly string[]
}

/**
 * Verifies an unpacked Go binary against the plan: ELF for the target arch, no
 * PT_INTERP, no DT_NEEDED, build info with the plan's settings. `what` names
 * the binary in errors, e.g. "hello (linux/arm64)".
 */
export function verifyBinary(bytes: Uint8Array, v: VerifyPlan, what: string, imagePath: string): VerifiedBinary {
  assertProgram(bytes, what)
  const elf = readElf(bytes)
  // A UPX stub never has PT_INTERP, even around a dynamic program: the facts
  // below are only true of an unpacked binary.
  if (elf.upx)
    throw new GostaticError(
      ErrorCode.BUILD_SETTINGS,
      `${what} is UPX-packed, which hides whether it is static and how it was built`,
      { hint: 'verify the binary before packing it' },
    )
  if (elf.machine !== v.elfMachine)
    throw new GostaticError(
      ErrorCode.WRONG_TARGET,
      `${what} is a ${elf.machine} ELF, but the plan targets ${v.elfMachine}`,
      { hint: 'something overrode GOARCH; remove it from the environment' },
    )
  if (!elf.isStatic) {
    const needs = [
      elf.interpreter ? `interpreter ${elf.interpreter}` : '',
      elf.needed.length ? `libraries ${elf.needed.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' and ')
    throw new GostaticError(
      ErrorCode.NOT_STATIC,
      `${what} is dynamically linked: it needs ${needs}. On scratch or a static base it would die with 'exec ` +
        `${imagePath}: no such file or directory'. Refusing to write the image.`,
      { hint: v.externalLink === null ? CGO_OFF_HINT : cgoDynamicHint(elf.needed) },
    )
  }
  const buildInfo = readGoBuildInfo(bytes)
  if (buildInfo === null)
    throw new GostaticError(
      ErrorCode.BUILD_SETTINGS,
      `${what} has no Go build info, so its build settings can't be verified`,
      { hint: 'build it with Go 1.18 or newer in module mode' },
    )
  const wrong = Object.entries(v.settings).filter(([k, want]) => buildInfo.settings[k] !== want)
  if (wrong.length)
    throw new GostaticError(
      ErrorCode.BUILD_SETTINGS,
      `${what} was not built as planned: ` +
        `${wrong.map(([k, want]) => `${k}=${buildInfo.settings[k] ?? '(unset)'} (want ${want})`).join(', ')}`,
      { hint: 'something overrode the plan (env GOFLAGS, CGO_ENABLED or a wrapper around go); remove the override' },
    )
  if (v.externalLink === null) return { elf, buildInfo }
  const cToolchain = readElfComment(bytes)
  if (cToolchain.length === 0)
    throw new GostaticError(
      ErrorCode.BUILD_SETTINGS,
      `${what} was linked by Go's internal linker, but the plan links it with the C linker ` +
        `(${v.externalLink}, -linkmode external -extldflags '-static')`,
      { hint: `something overrode -linkmode (${hint('ldflags-extra')}); remove the override` },
    )
  return { elf, buildInfo, cToolchain }
}

const CGO_OFF_HINT =
  'build with CGO_ENABLED=0 (the plan sets it; check for an override), and replace packages that need cgo ' +
  `(e.g. github.com/mattn/go-sqlite3 → modernc.org/sqlite), or build them static with ${hint('cgo')}`

/** .cgo() planned a static link, yet the binary needs a loader: name what it links and how to get it static. */
function cgoDynamicHint(needed: readonly string[]): string {
  const libs = needed.filter((n) => !/^(libc|ld-musl|ld-linux)/.test(n))
  const archives = libs.map(staticArchive).join(', ')
  const which = libs.length > 0 ? `link ${libs.join(', ')} statically: install ${archives} built for musl` : ''
  return [
    "the plan links with -extldflags '-static': check .ldflags({ extra }) for an -extldflags or -linkmode " +
      'that overrides it',
    which,
  ]
    .filter(Boolean)
    .join('; ')
}

/** libpcap.so.0.8 → libpcap.a */
function staticArchive(soname: string): string {
  return `${soname.replace(/\.so(\..*)?$/, '')}.a`
}
