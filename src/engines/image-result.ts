// The BuildResult both engines return: verified images held in memory, and
// the separate steps over them. Export writes our own deterministic archive;
// publish and load go through that very archive, so the pushed digest is the
// one `gostatic build` prints.
import type { BuildPlan } from '../plan/build-plan.js'
import type { BuildReport, BuildResult, BuiltImage } from './build-result.js'
import { writeOciArchive } from '../oci/oci-writer.js'
import { withTempArchive } from '../oci/temp-archive.js'
import { requireOutputPath, writeFileAtomic } from '../util/atomic-write.js'
import { ErrorCode, GostaticError } from '../errors.js'
import { publishOciArchive, publishRef } from '../registry/push-image.js'
import { parseImageRef } from '../spec/image-ref.js'
import { dockerLoad } from '../registry/docker-load.js'
import type { RegistryOptions } from '../registry/registry-options.js'

export interface ImageResultInput {
  readonly plan: BuildPlan
  readonly images: BuiltImage[]
  readonly report: BuildReport
  readonly epoch: number
  readonly env: NodeJS.ProcessEnv
  readonly cacheDir: string | null
  /** Registry settings the build was given; publish options win over them. */
  readonly registry: RegistryOptions
}

export function imageResult(r: ImageResultInput): BuildResult {
  const service = r.plan.service
  const exportTarball: BuildResult['exportTarball'] = async (path, opts = {}) =>
    writeOciArchive(
      requireOutputPath(path, 'exportTarball'),
      r.images.map((i) => ({
        platform: platformOf(i),
        layers: [...i.layers],
        config: i.config,
        annotations: { ...i.annotations },
        history: [...i.history],
      })),
      {
        refName: opts.tag === undefined ? `gostatic.local/${service}:latest` : archiveTag(opts.tag),
        sourceDateEpoch: r.epoch,
        // The first platform, not the host's, is what `docker load` sees: the archive's bytes don't depend on the machine.
        loadPlatform: platformOf(r.images[0]!),
      },
    )
  return {
    service,
    engine: r.report.engine,
    plan: r.plan,
    images: r.images,
    report: r.report,
    exportTarball,
    exportBinary: async (path, platform) => {
      const img = platform ? r.images.find((i) => i.platform === platform) : r.images[0]
      if (!img) throw new GostaticError(ErrorCode.INVALID_CONFIG, `exportBinary: ${service} was not built for ${platform}; it has ${r.images.map((i) => i.platform).join(', ')}`)
      return writeFileAtomic(requireOutputPath(path, 'exportBinary', 'dist/hello'), img.binary.bytes, 0o755)
    },
    // The reference and tag are checked before a temp archive is written.
    publish: async (ref, opts = {}) => {
      publishRef(ref)
      return withTempArchive(service, (p) => exportTarball(p, { tag: ref }), async (p) => (await publishOciArchive(p, ref, { ...r.registry, ...opts, cacheDir: r.cacheDir })).reference)
    },
    load: async (opts = {}) => {
      if (opts.tag !== undefined) archiveTag(opts.tag)
      return withTempArchive(service, (p) => exportTarball(p, opts), (p) => dockerLoad(p, r.env))
    },
  }
}

/** The name `docker load` tags the image with: a reference with a tag, no digest. */
function archiveTag(tag: unknown): string {
  const r = typeof tag === 'string' ? parseImageRef(tag) : { ok: false as const, reason: `got ${String(tag)}` }
  if (!r.ok) throw new GostaticError(ErrorCode.INVALID_REFERENCE, `tag '${String(tag)}' is not an image name like 'team/hello:1.0': ${r.reason}`)
  if (r.ref.digest !== undefined) throw new GostaticError(ErrorCode.INVALID_REFERENCE, `tag '${tag}' has a digest; docker load tags images by name:tag only`)
  return tag as string
}

function platformOf(i: BuiltImage): { os: string; architecture: string; variant?: string } {
  return { os: i.os, architecture: i.architecture, ...(i.variant ? { variant: i.variant } : {}) }
}
