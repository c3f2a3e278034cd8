// What a local build hands back: the verified images and the report.
import type { BuiltImage, EngineOutput, TargetReport } from '../engine-output.js'
import type { LocalContext } from './local-engine.js'

export function makeResult(c: LocalContext, images: BuiltImage[]): EngineOutput {
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
      needs: t.needs!,
      layers: img.layers.map((l) => ({ digest: l.digest, size: l.size })),
      imageBytes: img.layers.reduce((n, l) => n + l.size, 0),
    }
  })
  const { env, registryAuth, dockerConfig, signal } = c.opts
  return {
    plan: c.plan,
    images,
    report: { service: c.plan.service, engine: 'local', go: c.go.version, targets, warnings: [...c.warnings], ms: 0 },
    epoch: c.epoch,
    env: c.env,
    cacheDir: c.cacheDir,
    registry: {
      ...(env ? { env } : {}),
      ...(registryAuth ? { registryAuth } : {}),
      ...(dockerConfig ? { dockerConfig } : {}),
      ...(signal ? { signal } : {}),
    },
    engineFacts: { builder: null },
  }
}
