// Reads the image Dagger exported into BuiltImages, so the Dagger result has
// the same shape as a local build's output.
import { ErrorCode, GostaticError } from '../../errors.js'
import { platformName } from '../../oci/platform-name.js'
import type { BuildPlan } from '../../plan/build-plan.js'
import type { RegistryOptions } from '../../registry/registry-options.js'
import type { BuiltImage, EngineAttestFacts, EngineOutput, TargetReport } from '../engine-output.js'
import type { BuiltLayer } from '../../oci/layer.js'
import { readOciArchive, openBlob } from '../../oci/oci-reader.js'
import { imageAnnotations, upxVerdict } from '../annotations.js'
import type { Container } from '@dagger.io/dagger'
import type { Platform } from '../../spec/platform.js'
import type { VerifiedBinary } from '../../verify/verify-binary.js'
import type { ResolvedBase } from '../annotations.js'

/** One built, verified platform, ready to go into the result. */
export interface DaggerTarget {
  readonly platform: Platform
  readonly verified: VerifiedBinary
  readonly sizes: TargetReport['sizes']
  readonly strip: TargetReport['strip']
  readonly upx: 'packed' | 'kept-unpacked' | null
  readonly needs: TargetReport['needs']
  /** The binary as it goes into the image (packed when UPX ran). */
  readonly binary: Buffer
  /** The .binary() programs as they go into the image, each verified. */
  readonly binaries: BuiltImage['binaries']
  /** The image base as resolved by the engine; null on bases gostatic makes. */
  readonly base: ResolvedBase | null
  /** The runtime container; valid while the Dagger session that made it lives. */
  readonly container: Container
}

export interface DaggerResultInput {
  plan: BuildPlan
  archive: string
  targets: readonly DaggerTarget[]
  epoch: number
  env: NodeJS.ProcessEnv
  /** The plan's warnings and those the build added. */
  warnings: readonly string[]
  cacheDir: string | null
  ms: number
  keepContainers: boolean
  /** Registry settings the build was given, for publish. */
  registry: RegistryOptions
  engineFacts: EngineAttestFacts
}

export async function daggerResult(i: DaggerResultInput): Promise<EngineOutput> {
  const archive = await readOciArchive(i.archive)
  const images: BuiltImage[] = []
  const reports: TargetReport[] = []
  for (const t of i.targets) {
    const info = i.plan.targets.find((x) => x.platform === t.platform)!
    const img = archive.images.find(
      (x) =>
        x.platform.os === info.os &&
        x.platform.architecture === info.architecture &&
        (x.platform.variant ?? undefined) === info.variant,
    )
    if (!img)
      throw new GostaticError(
        ErrorCode.OCI_MALFORMED,
        `the image Dagger exported for ${i.plan.service} has no ${t.platform} variant (it has ` +
          `${archive.images.map((x) => platformName(x.platform)).join(', ') || 'none'})`,
      )
    const layers: BuiltLayer[] = []
    for (const [n, l] of img.layers.entries()) {
      const chunks: Buffer[] = []
      for await (const c of openBlob(archive, l.digest)) chunks.push(c as Buffer)
      const gz = Buffer.concat(chunks)
      layers.push({ gz, digest: l.digest, size: gz.length, diffId: img.config.rootfs.diff_ids[n]! })
    }
    const cfg = img.config.config ?? {}
    const upx = upxVerdict(info.upx, t.upx)
    images.push({
      platform: t.platform,
      os: info.os,
      architecture: info.architecture,
      variant: info.variant,
      layers,
      history: layers.map((_, n) => img.config.history?.filter((h) => !h.empty_layer)[n]?.created_by ?? 'dagger'),
      config: {
        ...(cfg.Entrypoint ? { Entrypoint: cfg.Entrypoint } : {}),
        ...(cfg.Cmd ? { Cmd: cfg.Cmd } : {}),
        ...(cfg.Env ? { Env: cfg.Env } : {}),
        ...(cfg.User ? { User: cfg.User } : {}),
        ...(cfg.WorkingDir ? { WorkingDir: cfg.WorkingDir } : {}),
        ...(cfg.ExposedPorts ? { ExposedPorts: cfg.ExposedPorts } : {}),
        ...(cfg.Labels ? { Labels: cfg.Labels } : {}),
      },
      annotations: imageAnnotations(
        i.plan.runtime.annotations,
        info,
        { machine: t.verified.elf.machine, strip: t.strip, upx, needs: t.needs },
        t.base,
      ),
      binary: { bytes: t.binary, verified: t.verified },
      binaries: t.binaries,
    })
    reports.push({
      platform: t.platform,
      sizes: t.sizes,
      strip: t.strip,
      upx,
      upxStartup: null,
      elf: t.verified.elf,
      goVersion: t.verified.buildInfo.goVersion,
      settings: t.verified.buildInfo.settings,
      needs: t.needs,
      layers: layers.map((l) => ({ digest: l.digest, size: l.size })),
      imageBytes: layers.reduce((n, l) => n + l.size, 0),
    })
  }
  const goVersion = reports[0]?.goVersion ?? 'unknown'
  const result: EngineOutput = {
    plan: i.plan,
    images,
    report: {
      service: i.plan.service,
      engine: 'dagger',
      go: goVersion,
      targets: reports,
      warnings: [...i.warnings],
      ms: i.ms,
    },
    epoch: i.epoch,
    env: i.env,
    cacheDir: i.cacheDir,
    registry: i.registry,
    engineFacts: i.engineFacts,
  }
  return i.keepContainers ? { ...result, containers: new Map(i.targets.map((t) => [t.platform, t.container])) } : result
}
