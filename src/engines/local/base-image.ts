// An image runtime base on the local engine: pulled (or read from the blob
// cache) once per build for every target platform, its layers put under
// ours and its config kept where the plan leaves a field to the base.
import type { ImageConfigPlan, TargetPlan } from '../../plan/build-plan.js'
import type { Platform } from '../../spec/platform.js'
import { pullImage, type PulledImage } from '../../registry/pull-image.js'
import type { PullPolicy, RegistryOptions } from '../../registry/registry-options.js'
import type { EventSink } from '../events.js'
import type { OciImageConfig } from '../../oci/oci-writer.js'
import { sortKeys } from '../../util/sorted.js'
import { mergeEnv } from '../../plan/needs-image.js'
import type { NeedsBase } from '../../plan/needs-image.js'
import { openBuiltLayersTree } from '../../oci/image-tree.js'
import type { CacheDamage } from '../../oci/cache-dir.js'

export { mergeEnv }

export interface BaseImageOptions extends RegistryOptions {
  cacheDir: string | null
  pull?: PullPolicy
  onCacheDamage?: CacheDamage
}

/** Pulls `ref` for each target; says where it came from (cache or registry) and what it resolved to. */
/** A pulled base for one platform, plus the digest its reference resolved to (an index for multi-platform bases). */
export type BaseImage = PulledImage & { readonly resolvedDigest: string }

export async function pullBaseImages(
  ref: string,
  targets: readonly TargetPlan[],
  service: string,
  emit: EventSink,
  opts: BaseImageOptions,
): Promise<Map<Platform, BaseImage>> {
  const platforms = targets.map((t) => ({
    os: t.os,
    architecture: t.architecture,
    ...(t.variant ? { variant: t.variant } : {}),
  }))
  const out = await pullImage(ref, platforms, opts)
  emit({
    kind: 'info',
    service,
    message:
      `runtime base ${ref} → ${out.digest} (` +
      `${out.usedNetwork ? `pulled from ${out.ref.registry}` : 'from the local cache, no network'})`,
  })
  return new Map(targets.map((t, i) => [t.platform, { ...out.images[i]!, resolvedDigest: out.digest }]))
}

/** The pulled base as the needs check sees it: its files after all layers, its User and Env. */
export async function needsBaseOf(base: BaseImage): Promise<NeedsBase> {
  const files = await (await openBuiltLayersTree(base.layers)).files()
  const cfg = base.config.config
  return { files, user: typeof cfg?.User === 'string' ? cfg.User : null, env: cfg?.Env ?? [] }
}

/**
 * The image config on an image base, with docker's semantics for a stage
 * FROM it: env merged by key (the plan's wins), the base's user unless the
 * plan sets one, exposed ports and labels added to the base's. Our
 * entrypoint replaces the base's, and with it the base's CMD.
 */
export function configOnBase(
  base: (OciImageConfig & Record<string, unknown>) | undefined,
  plan: ImageConfigPlan,
): OciImageConfig {
  const env = mergeEnv(base?.Env ?? [], plan.env)
  const user = plan.user ?? (typeof base?.User === 'string' && base.User !== '' ? base.User : undefined)
  const ports = [...new Set([...Object.keys(base?.ExposedPorts ?? {}), ...plan.exposedPorts])].sort()
  const labels = { ...(base?.Labels ?? {}), ...plan.labels }
  return {
    Entrypoint: [...plan.entrypoint],
    ...(plan.cmd.length ? { Cmd: [...plan.cmd] } : {}),
    Env: env,
    ...(user !== undefined ? { User: user } : {}),
    WorkingDir: plan.workdir,
    ...(ports.length ? { ExposedPorts: Object.fromEntries(ports.map((p) => [p, {}])) } : {}),
    Labels: sortKeys(labels),
  }
}
