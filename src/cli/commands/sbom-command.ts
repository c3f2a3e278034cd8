// `gostatic sbom`: an SBOM for a binary or an image archive, to stdout or
// --out (a file for one document, a folder for one per platform).
import { join } from 'node:path'
import { ErrorCode, GostaticError } from '../../errors.js'
import { sbom } from '../../index.js'
import { writeFileAtomic } from '../../util/atomic-write.js'
import type { SbomFlags } from '../parse-cli.js'

export async function sbomCommand(target: string, flags: SbomFlags): Promise<number> {
  const docs = await sbom(target, { format: flags.format, ...(flags.platform ? { platform: flags.platform } : {}) })
  if (flags.out === undefined) {
    if (docs.length > 1)
      throw new GostaticError(
        ErrorCode.INVALID_CONFIG,
        `${target} has ${docs.length} platforms ` +
          `(${docs.map((d) => d.platform).join(', ')}); stdout takes one SBOM`,
        { hint: 'pick one with --platform, or write them all with --out DIR' },
      )
    process.stdout.write(docs[0]!.bytes)
    return 0
  }
  if (docs.length === 1) {
    process.stderr.write(`wrote ${await writeFileAtomic(flags.out, docs[0]!.bytes)}\n`)
    return 0
  }
  for (const d of docs) {
    const file = join(flags.out, `${d.platform!.replace(/\//g, '-')}${d.extension}`)
    process.stderr.write(`wrote ${await writeFileAtomic(file, d.bytes)}\n`)
  }
  return 0
}
