// Builds the runtime layers: one for the base files (shared by every platform
// and service with the same base), one for the binary and the user's files.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BuiltImage } from '../build-result.js'
import type { LocalContext } from './local-engine.js'
import { cachedLayer } from '../../oci/layer-cache.js'
import { materialize } from '../runtime-files.js'
import { configOnBase } from './base-image.js'
import { imageAnnotations, upxVerdict } from '../annotations.js'

export async function assembleImages(c: LocalContext): Promise<BuiltImage[]> {
  const r = c.plan.runtime
  const ctx = { sourceDir: c.sourceDir, zoneinfoZip: async () => join(c.go.goroot, 'lib', 'time', 'zoneinfo.zip') }
  const baseFiles = r.files.filter((f) => f.kind !== 'host-file')
  const userFiles = r.files.filter((f) => f.kind === 'host-file')
  const base = baseFiles.length ? await cachedLayer(await materialize(baseFiles, ctx), c.epoch, c.cacheDir) : undefined
  const extra = await materialize(userFiles, ctx)
  const images: BuiltImage[] = []
  for (const t of c.targets.values()) {
    const bytes = await readFile(t.binPath)
    const app = await cachedLayer([{ path: r.binaryPath, type: 'file', mode: 0o755, content: bytes }, ...extra], c.epoch, c.cacheDir)
    // An image base's layers go under ours, unchanged (same digests, so registries dedupe them).
    const pulled = c.bases?.get(t.target.platform)
    const layers = [...(pulled?.layers ?? []), ...(base ? [base, app] : [app])]
    const history = [...(pulled?.history ?? []), ...(base ? [`gostatic: ${r.base.kind} base (${baseFiles.map((f) => f.path).join(', ')})`, `gostatic: ${r.binaryPath}`] : [`gostatic: ${r.binaryPath}`])]
    images.push({
      platform: t.target.platform,
      os: t.target.os,
      architecture: t.target.architecture,
      variant: t.target.variant,
      layers,
      history,
      config: pulled ? configOnBase(pulled.config.config, r.config) : {
        Entrypoint: [...r.config.entrypoint],
        ...(r.config.cmd.length ? { Cmd: [...r.config.cmd] } : {}),
        Env: [...r.config.env],
        ...(r.config.user !== null ? { User: r.config.user } : {}),
        WorkingDir: r.config.workdir,
        ...(r.config.exposedPorts.length ? { ExposedPorts: Object.fromEntries(r.config.exposedPorts.map((p) => [p, {}])) } : {}),
        Labels: { ...r.config.labels },
      },
      annotations: imageAnnotations(
        r.annotations,
        t.target,
        { machine: t.verified!.elf.machine, strip: t.strip === null ? 'not requested' : t.strip.kind, upx: upxVerdict(t.target.upx, t.upx?.kind ?? null) },
        pulled && r.base.kind === 'image' ? { name: r.base.ref, digest: pulled.resolvedDigest } : null,
      ),
      binary: { bytes, verified: t.verified! },
    })
  }
  return images
}
