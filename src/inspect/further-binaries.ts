// The programs an image holds besides its entrypoint: the paths gostatic
// recorded in the dev.gostatic.binaries annotation (.binary()), each read from
// the image's files like the entrypoint is. A listed path that is missing or
// not an ELF is reported, never skipped.
import { annotatedBinaries } from '../plan/binaries.js'
import { isGostaticError } from '../errors.js'
import type { ImageTree } from '../oci/oci-reader.js'
import type { BinaryFacts, FurtherBinary } from './inspect-report.js'

export async function furtherBinaries(
  tree: ImageTree,
  annotations: Readonly<Record<string, string>>,
  facts: (path: string, bytes: Uint8Array) => BinaryFacts,
): Promise<FurtherBinary[]> {
  const out: FurtherBinary[] = []
  for (const path of annotatedBinaries(annotations)) {
    try {
      const bytes = await tree.read(path)
      if (bytes === null) out.push({ path, binary: null, problem: `missing: ${path} is not a file in the image` })
      else if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
        out.push({ path, binary: null, problem: `not an ELF binary: ${path}` })
      else out.push({ path, binary: facts(path, bytes), problem: null })
    } catch (err) {
      if (!isGostaticError(err)) throw err
      out.push({ path, binary: null, problem: `unreadable: ${path}: ${err.message}` })
    }
  }
  return out
}
