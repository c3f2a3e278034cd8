// The facts the runtime-needs rules read, from a binary's own bytes: its Go
// function table and build info. This is the call an engine makes on the
// binary it built (before UPX, which hides both) and inspect makes on an
// image's entrypoint; plan/runtime-needs.ts turns the facts into needs.
import type { BinaryEvidence } from '../plan/runtime-needs.js'
import { readGoBuildInfo } from './go-buildinfo.js'
import { readGoFuncTable } from './go-pclntab.js'
import type { GoFuncTable } from './go-pclntab.js'
import { parseElf } from './elf-headers.js'
import { isUpxPacked } from './upx-detect.js'

export type NeedsEvidence =
  | { readonly evidence: BinaryEvidence; readonly table: GoFuncTable }
  | { readonly evidence: null; readonly reason: 'hidden by UPX packing' | 'not a Go binary' }

/**
 * Reads the evidence, or says why there is none. Throws
 * GostaticError(ELF_MALFORMED) when the ELF, its function table or its build
 * info is damaged.
 */
export function readNeedsEvidence(bytes: Uint8Array): NeedsEvidence {
  if (isUpxPacked(parseElf(bytes))) return { evidence: null, reason: 'hidden by UPX packing' }
  const table = readGoFuncTable(bytes)
  if (table === null) return { evidence: null, reason: 'not a Go binary' }
  const info = readGoBuildInfo(bytes)
  return {
    table,
    evidence: {
      functions: table.names,
      modules: info?.deps.map((d) => d.path) ?? [],
      settings: info?.settings ?? {},
    },
  }
}
