// sbom(): an SBOM for any Go binary or image archive, built by gostatic or
// not: the entrypoint binary's Go build info (read from its bytes), the
// image by manifest digest and its base from the OCI base annotations. What
// only a build knows (gostatic's own files) is left to the build's SBOM.
import { readFile } from 'node:fs/promises'
import { ErrorCode, GostaticError } from '../errors.js'
import { baseImageOf, binaryFact, type SbomFacts, type SbomFormat } from '../attest/attest-facts.js'
import { renderSbom, type Sbom } from '../attest/sbom.js'
import { ociNameOf } from '../attest/purl.js'
import { readFileFromImage, readOciArchive } from '../oci/oci-reader.js'
import { VERSION } from '../version.js'
import { parseSourceDateEpoch } from '../util/source-date-epoch.js'
import { inspect } from '../inspect/inspect.js'
import type { BinaryFacts } from '../inspect/inspect-report.js'

export interface SbomOptions {
  /** Default 'spdx'. */
  readonly format?: SbomFormat
  /** Only this platform of an image, e.g. 'linux/arm64'. */
  readonly platform?: string
  /** Seconds for the document's timestamp (default: SOURCE_DATE_EPOCH, else 0). */
  readonly sourceDateEpoch?: number
}

/** One SBOM per platform of an image, or one for a binary. */
export async function sbom(target: string, opts: SbomOptions = {}): Promise<Sbom[]> {
  const format = opts.format ?? 'spdx'
  const epoch = opts.sourceDateEpoch ?? parseSourceDateEpoch(process.env) ?? 0
  const report = await inspect(target, opts.platform ? { platform: opts.platform } : {})
  if (report.kind === 'binary') {
    const bytes = await readFile(target)
    return [renderSbom(format, facts(basename(target), report.binary, bytes, null, epoch))]
  }
  const archive = await readOciArchive(target)
  const name = imageName(report.refName, target)
  const multi = archive.images.length > 1
  const out: Sbom[] = []
  for (const p of report.platforms) {
    if (p.binary === null)
      throw new GostaticError(
        ErrorCode.UNSUPPORTED,
        `${target} (${p.platform}): no Go binary to describe: entrypoint ${p.verdicts.entrypoint}`,
      )
    if (p.manifestDigest === null)
      throw new GostaticError(
        ErrorCode.UNSUPPORTED,
        `${target} is a docker save archive, which has no manifest digest to name the image by`,
        { hint: 'export it as an OCI archive (skopeo copy docker-archive:IN oci-archive:OUT)' },
      )
    const img = archive.images.find((i) => i.manifestDigest === p.manifestDigest)!
    const bytes = Buffer.from((await readFileFromImage(archive, img.platform, p.binary.path))!)
    const base = baseImageOf(img.annotations)
    const image = {
      platform: img.platform,
      manifestDigest: p.manifestDigest,
      indexDigest: multi ? archive.indexDigest : null,
    }
    out.push(renderSbom(format, { ...facts(name, p.binary, bytes, image, epoch), base }))
  }
  return out
}

function facts(name: string, b: BinaryFacts, bytes: Buffer, image: SbomFacts['image'], epoch: number): SbomFacts {
  if (b.go === null)
    throw new GostaticError(
      ErrorCode.UNSUPPORTED,
      `${b.path}: no Go build info to make an SBOM from (${b.goMissing})`,
      {
        hint:
          b.goMissing === 'hidden by UPX packing'
            ? 'run it on the unpacked binary (upx -d)'
            : 'gostatic sbom describes Go binaries',
      },
    )
  return { name, image, binary: binaryFact(b.path, bytes, b.go), base: null, files: [], epoch, toolVersion: VERSION }
}

function imageName(refName: string | null, path: string): string {
  if (refName) return ociNameOf(refName).name
  return basename(path).replace(/\.tar(\.gz)?$/, '')
}

function basename(p: string): string {
  return p.split('/').pop() || p
}
