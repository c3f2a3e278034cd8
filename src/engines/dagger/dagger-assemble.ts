// The assemble-runtime step on Dagger: one runtime container per verified
// target, exported together as one OCI archive and read back as the result.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { ImageLayerCompression, type Client } from '@dagger.io/dagger'
import { ErrorCode, GostaticError } from '../../errors.js'
import type { BuildPlan, TargetPlan } from '../../plan/build-plan.js'
import type { EngineOutput } from '../engine-output.js'
import type { ResolvedBase } from '../annotations.js'
import { outPath } from './builder-container.js'
import { baseContainer, daggerPlatform, filesArchive, runtimeContainer } from './runtime-container.js'
import { daggerResult, type DaggerTarget } from './dagger-result.js'
import { binaryKey, type DaggerContext, type DaggerTargetState } from './dagger-steps.js'
import { pulledRef } from '../../plan/runtime-bases.js'

export async function assembleRuntime(c: DaggerContext): Promise<EngineOutput> {
  const { dag, plan } = c
  const zoneinfoZip = once(() => builderZoneinfo(c))
  const targets: DaggerTarget[] = []
  for (const t of c.targets.values()) {
    const done = verifiedTarget(c, t)
    const ctx = { sourceDir: c.sourceDir, links: c.plan.source.links, zoneinfoZip, epoch: c.epoch, tmp: c.tmp }
    const files = await filesArchive(done.runtime, t.target, ctx)
    const base = baseContainer(dag, plan, t.target, files ? dag.host().file(files) : null)
    const further = plan.binaries.map((b) => {
      const s = c.binaries.get(binaryKey(t.target.platform, b.path))
      if (s === undefined) throw new GostaticError(ErrorCode.UNSUPPORTED, `the plan has no state for ${b.path}`)
      const v = verifiedTarget(c, s)
      return { path: b.path, file: v.container.file(outPath(s.target)), bytes: v.binary, verified: v.verified }
    })
    const container = runtimeContainer(plan, base, done.container.file(outPath(t.target)), further)
    const sizes = {
      built: done.built,
      stripped: t.strip === 'stripped' ? (t.unpacked ?? done.binary).length : null,
      packed: t.upx === 'packed' ? done.binary.length : null,
      final: done.binary.length,
    }
    targets.push({
      platform: t.target.platform,
      verified: done.verified,
      sizes,
      strip: t.strip,
      upx: t.upx,
      needs: done.needs,
      binary: done.binary,
      binaries: further.map(({ path, bytes, verified }) => ({ path, bytes, verified })),
      base: await resolvedBase(dag, plan, t.target),
      container,
    })
  }
  const archive = join(c.tmp, 'image.tar')
  const [first, ...rest] = targets.map((t) => t.container)
  if (!first) throw new GostaticError(ErrorCode.UNSUPPORTED, `the plan for ${plan.service} has no target to assemble`)
  await first.export(archive, { platformVariants: rest, forcedCompression: ImageLayerCompression.Gzip })
  // The provenance names the builder image by digest; the engine knows what its reference resolved to.
  const builderRef = await dag.container().from(plan.go.builderImage).imageRef()
  const builder = { name: plan.go.builderImage, digest: digestOf(builderRef) }
  const { registryAuth, dockerConfig, signal } = c.opts
  return daggerResult({
    plan,
    archive,
    targets,
    epoch: c.epoch,
    env: c.env,
    warnings: c.warnings,
    cacheDir: c.opts.cacheDir ?? null,
    ms: Math.round(performance.now() - c.startedAt),
    keepContainers: c.opts.dag !== undefined,
    engineFacts: { builder },
    registry: {
      env: c.env,
      ...(registryAuth ? { registryAuth } : {}),
      ...(dockerConfig ? { dockerConfig } : {}),
      ...(signal ? { signal } : {}),
    },
  })
}

/** A target's state once it is built and verified; verification is not optional, so an unverified target stops here. */
function verifiedTarget(c: DaggerContext, t: DaggerTargetState) {
  const { container, binary, built, verified, needs, runtime } = t
  const which = `the plan for ${c.plan.service} assembles ${t.target.platform}`
  if (container === null || binary === null || built === null)
    throw new GostaticError(ErrorCode.UNSUPPORTED, `${which} without building it`)
  if (verified === null) throw new GostaticError(ErrorCode.UNSUPPORTED, `${which} before its verify-static step`)
  if (needs === null || runtime === null)
    throw new GostaticError(ErrorCode.UNSUPPORTED, `${which} before its check-needs step`)
  return { container, binary, built, verified, needs, runtime }
}

/** Zone files come from the builder's Go, as the local engine takes them from the host's. */
async function builderZoneinfo(c: DaggerContext): Promise<string> {
  const goroot = (await c.builder.withExec(['go', 'env', 'GOROOT']).stdout()).trim()
  const dir = join(c.tmp, 'goroot', 'lib', 'time')
  await mkdir(dir, { recursive: true })
  return c.builder.file(`${goroot}/lib/time/zoneinfo.zip`).export(join(dir, 'zoneinfo.zip'))
}

/**
 * What an image base's reference resolved to in the engine (the index digest
 * for a multi-platform base, as the OCI annotation asks).
 */
async function resolvedBase(dag: Client, plan: BuildPlan, t: TargetPlan): Promise<ResolvedBase | null> {
  const name = pulledRef(plan.runtime.base)
  if (name === null) return null
  const ref = await dag
    .container({ platform: daggerPlatform(t) })
    .from(name)
    .imageRef()
  return { name, digest: digestOf(ref) }
}

function digestOf(ref: string): string {
  return ref.slice(ref.lastIndexOf('@') + 1)
}

/** `fn` run at most once, on first call. */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined
  return () => (p ??= fn())
}
