// The static check both engines run before any image is written.
import { ErrorCode, GostaticError } from '../errors.js'
import type { VerifyPlan } from '../plan/build-plan.js'
import { readElf, type ElfInfo } from '../inspect/elf-reader.js'
import { readGoBuildInfo, type GoBuildInfo } from '../inspect/go-buildinfo.js'
import { assertProgram } from './program-check.js'

export interface VerifiedBinary {
  readonly elf: ElfInfo
  readonly buildInfo: GoBuildInfo
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
    throw new GostaticError(ErrorCode.BUILD_SETTINGS, `${what} is UPX-packed, which hides whether it is static and how it was built`, { hint: 'verify the binary before packing it' })
  if (elf.machine !== v.elfMachine)
    throw new GostaticError(ErrorCode.WRONG_TARGET, `${what} is a ${elf.machine} ELF, but the plan targets ${v.elfMachine}`, { hint: 'something overrode GOARCH; remove it from the environment' })
  if (!elf.isStatic) {
    const needs = [elf.interpreter ? `interpreter ${elf.interpreter}` : '', elf.needed.length ? `libraries ${elf.needed.join(', ')}` : ''].filter(Boolean).join(' and ')
    throw new GostaticError(
      ErrorCode.NOT_STATIC,
      `${what} is dynamically linked: it needs ${needs}. On scratch or a static base it would die with 'exec ${imagePath}: no such file or directory'. Refusing to write the image.`,
      { hint: 'build with CGO_ENABLED=0 (the plan sets it; check for an override), and replace packages that need cgo (e.g. github.com/mattn/go-sqlite3 → modernc.org/sqlite)' },
    )
  }
  const buildInfo = readGoBuildInfo(bytes)
  if (buildInfo === null)
    throw new GostaticError(ErrorCode.BUILD_SETTINGS, `${what} has no Go build info, so its build settings can't be verified`, { hint: 'build it with Go 1.18 or newer in module mode' })
  const wrong = Object.entries(v.settings).filter(([k, want]) => buildInfo.settings[k] !== want)
  if (wrong.length)
    throw new GostaticError(
      ErrorCode.BUILD_SETTINGS,
      `${what} was not built as planned: ${wrong.map(([k, want]) => `${k}=${buildInfo.settings[k] ?? '(unset)'} (want ${want})`).join(', ')}`,
      { hint: 'something overrode the plan (env GOFLAGS, CGO_ENABLED or a wrapper around go); remove the override' },
    )
  return { elf, buildInfo }
}
