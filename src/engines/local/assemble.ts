// Builds the runtime layers: one for the base files (shared by every platform
// and service with the same base files), one for the binary and the user's
// files, one for each .binary(). A target's base files are the plan's plus what its check-needs step
// added on a static base, so each target assembles the runtime it was checked with.
import { join } from 'node:path'
import { ErrorCode, GostaticError } from '../../errors.js'
import type { RuntimeFile, RuntimePlan } from '../../plan/build-plan.js'
import type { BuiltImage } from '../engine-output.js'
import { binaryKey, type LocalContext, type TargetState } from './local-engine.js'
import { cachedLayer } from '../../oci/layer-cache.js'
import type { BuiltLayer } from '../../oci/layer.js'
import { materialize } from '../runtime-files.js'
import { configOnBase } from './base-image.js'
import { currentBinary } from './binary-bytes.js'
import { imageAnnotations, upxVerdict } from '../annotations.js'
import { baseName, pulledRef } from '../../plan/runtime-bases.js'

export async function assembleImages(c: LocalContext): Promise<BuiltImage[]> {
  const plan = c.plan.runtime
  const zoneinfoZip = async () => join(c.go.goroot, 'lib', 'time', 'zoneinfo.zip')
  const ctx = { sourceDir: c.sourceDir, links: c.plan.source.links, zoneinfoZip }
  const extra = await materialize(
    plan.files.filter((f) => f.kind === 'host-file'),
    ctx,
  )
  const baseLayers = new Map<string, Promise<BuiltLayer>>()
  const baseLayer = (files: readonly RuntimeFile[]): Promise<BuiltLayer> => {
    const key = JSON.stringify(files)
    let layer = baseLayers.get(key)
    if (layer === undefined) {
      layer = materialize(files, ctx).then((entries) => cachedLayer(entries, c.epoch, c.cacheDir, c.onCacheDamage))
      baseLayers.set(key, layer)
    }
    return layer
  }
  const images: BuiltImage[] = []
  for (const t of c.targets.values()) {
    const { runtime: r, needs } = checked(c, t)
    const baseFiles = r.files.filter((f) => f.kind !== 'host-file')
    const base = baseFiles.length ? await baseLayer(baseFiles) : undefined
    const { bytes, sha256 } = await currentBinary(t)
    const binary = { path: r.binaryPath, type: 'file' as const, mode: 0o755, content: bytes, contentSha256: sha256 }
    const app = await cachedLayer([binary, ...extra], c.epoch, c.cacheDir, c.onCacheDamage)
    // One layer per .binary(), so a change to one program leaves the others' layers (and digests) alone.
    const further = await Promise.all(
      c.plan.binaries.map(async (b) => {
        const s = c.binaries.get(binaryKey(t.target.platform, b.path))!
        if (s.verified === null)
          throw new GostaticError(ErrorCode.UNSUPPORTED, `the plan assembles ${b.path} before its verify-static step`)
        const { bytes, sha256 } = await currentBinary(s)
        const entry = { path: b.path, type: 'file' as const, mode: 0o755, content: bytes, contentSha256: sha256 }
        const layer = await cachedLayer([entry], c.epoch, c.cacheDir, c.onCacheDamage)
        return { layer, binary: { path: b.path, bytes, verified: s.verified } }
      }),
    )
    // An image base's layers go under ours, unchanged (same digests, so registries dedupe them).
    const pulled = c.bases?.get(t.target.platform)
    const layers = [...(pulled?.layers ?? []), ...(base ? [base, app] : [app]), ...further.map((f) => f.layer)]
    const ours = base ? [`gostatic: ${baseName(r.base)} base (${baseFiles.map((f) => f.path).join(', ')})`] : []
    const outcome = {
      machine: t.verified!.elf.machine,
      strip: t.strip === null ? ('not requested' as const) : t.strip.kind,
      upx: upxVerdict(t.target.upx, t.upx?.kind ?? null),
      needs,
    }
    images.push({
      platform: t.target.platform,
      os: t.target.os,
      architecture: t.target.architecture,
      variant: t.target.variant,
      layers,
      history: [
        ...(pulled?.history ?? []),
        ...ours,
        `gostatic: ${r.binaryPath}`,
        ...further.map((f) => `gostatic: ${f.binary.path}`),
      ],
      config: pulled ? configOnBase(pulled.config.config, r.config) : ownConfig(r),
      annotations: imageAnnotations(
        r.annotations,
        t.target,
        outcome,
        pulled ? { name: pulledRef(r.base)!, digest: pulled.resolvedDigest } : null,
      ),
      binary: { bytes, verified: t.verified! },
      binaries: further.map((f) => f.binary),
    })
  }
  return images
}

type Checked = { runtime: RuntimePlan; needs: NonNullable<TargetState['needs']> }

/**
 * The target's checked runtime; a plan without a check-needs step for it is refused, as one without verify-static is.
 */
function checked(c: LocalContext, t: TargetState): Checked {
  const which = `the plan for ${c.plan.service} assembles ${t.target.platform}`
  if (t.runtime === null || t.needs === null)
    throw new GostaticError(ErrorCode.UNSUPPORTED, `${which} before its check-needs step`)
  if (t.verified === null) throw new GostaticError(ErrorCode.UNSUPPORTED, `${which} before its verify-static step`)
  return { runtime: t.runtime, needs: t.needs }
}

function ownConfig(r: RuntimePlan): BuiltImage['config'] {
  return {
    Entrypoint: [...r.config.entrypoint],
    ...(r.config.cmd.length ? { Cmd: [...r.config.cmd] } : {}),
    Env: [...r.config.env],
    ...(r.config.user !== null ? { User: r.config.user } : {}),
    WorkingDir: r.config.workdir,
    ...(r.config.exposedPorts.length
      ? { ExposedPorts: Object.fromEntries(r.config.exposedPorts.map((p) => [p, {}])) }
      : {}),
    Labels: { ...r.config.labels },
  }
}
