// The BuildResult of a local build: report data plus export steps.
import { writeOciArchive } from './oci-writer.js'
import type { BuildResult, BuiltImage, TargetReport } from '../build-result.js'
import type { LocalContext } from './local-engine.js'
import { writeFileAtomic } from '../../util/atomic-write.js'
import { ErrorCode, GostaticError } from '../../errors.js'

export function makeResult(c: LocalContext, images: BuiltImage[]): BuildResult {
  const targets: TargetReport[] = images.map((img) => {
    const t = c.targets.get(img.platform)!
    const packed = t.upx?.kind === 'packed' ? t.upx : null
    return {
      platform: img.platform,
      sizes: {
        built: t.built,
        stripped: t.strip?.kind === 'stripped' ? t.strip.after : null,
        packed: packed ? packed.after : null,
        final: img.binary.bytes.length,
      },
      strip: t.strip === null ? 'not requested' : t.strip.kind,
      upx: packed ? 'packed' : t.target.upx.kind === 'refused' ? 'refused' : t.upx ? 'kept unpacked' : 'not requested',
      upxStartup: packed?.startup ?? null,
      elf: img.binary.verified.elf,
      goVersion: img.binary.verified.buildInfo.goVersion,
      settings: img.binary.verified.buildInfo.settings,
      layers: img.layers.map((l) => ({ digest: l.digest, size: l.size })),
      imageBytes: img.layers.reduce((n, l) => n + l.size, 0),
    }
  })
  const service = c.plan.service
  return {
    service,
    engine: 'local',
    plan: c.plan,
    images,
    report: { service, engine: 'local', go: c.go.version, targets, warnings: [...c.warnings], ms: 0 },
    exportTarball: (path, opts = {}) =>
      writeOciArchive(
        path,
        images.map((i) => ({
          platform: { os: i.os, architecture: i.architecture, ...(i.variant ? { variant: i.variant } : {}) },
          layers: [...i.layers],
          config: i.config,
          annotations: { ...i.annotations },
          history: [...i.history],
        })),
        { refName: opts.tag ?? `gostatic.local/${service}:latest`, sourceDateEpoch: c.epoch },
      ),
    exportBinary: async (path, platform) => {
      const img = platform ? images.find((i) => i.platform === platform) : images[0]
      if (!img) throw new GostaticError(ErrorCode.INVALID_CONFIG, `exportBinary: ${service} was not built for ${platform}; it has ${images.map((i) => i.platform).join(', ')}`)
      return writeFileAtomic(path, img.binary.bytes, 0o755)
    },
  }
}
