// The Dagger engine: the plan's builder and runtime stages as Dagger
// containers. Binaries are exported and verified with the same check as the
// local engine before any image is exported.
import { mkdtemp, mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { connection, dag as globalDag, ImageLayerCompression, type Client, type Container, type Directory } from '@dagger.io/dagger'
import { ErrorCode, GostaticError } from '../../errors.js'
import type { BuildPlan } from '../../plan/build-plan.js'
import type { Platform } from '../../spec/platform.js'
import type { RegistryOptions } from '../../registry/registry-options.js'
import { verifyBinary, type VerifiedBinary } from '../../verify/verify-binary.js'
import { noEvents, type EventSink } from '../events.js'
import type { BuildResult, TargetReport } from '../build-result.js'
import type { ResolvedBase } from '../annotations.js'
import { sourceDateEpoch } from '../source-date-epoch.js'
import { compiled, outPath, preparedBuilder } from './builder-container.js'
import { baseContainer, filesArchive, runtimeContainer, daggerPlatform } from './runtime-container.js'
import { bytesOf, stripInDagger, upxInDagger } from './target-steps.js'
import { daggerResult } from './dagger-result.js'
import { translateDaggerError } from './dagger-errors.js'
import type { EngineRunOptions } from '../attest-context.js'

export interface DaggerEngineOptions extends RegistryOptions, EngineRunOptions {
  onEvent?: EventSink
  sourceDateEpoch?: number
  /** The `dag` of an existing Dagger connection; without it gostatic opens its own. */
  dag?: Client
  /** A Dagger Directory to build from instead of the plan's host folder. */
  source?: Directory
  cacheDir?: string | null
  /** Prefix of the module and build cache volume names (default 'gostatic'); projects that must not share caches set their own. */
  cacheKey?: string
}

export interface DaggerTarget {
  readonly platform: Platform
  readonly verified: VerifiedBinary
  readonly sizes: TargetReport['sizes']
  readonly strip: TargetReport['strip']
  readonly upx: 'packed' | 'kept-unpacked' | null
  /** The binary as it goes into the image (packed when UPX ran). */
  readonly binary: Buffer
  /** The image base as resolved by the engine; null on bases gostatic makes. */
  readonly base: ResolvedBase | null
  /** The runtime container; valid while the Dagger session that made it lives. */
  readonly container: Container
}

export async function buildDagger(plan: BuildPlan, opts: DaggerEngineOptions = {}): Promise<BuildResult> {
  if (opts.dag) return run(opts.dag, plan, opts)
  return withDaggerSession(plan.service, (dag) => run(dag, plan, opts))
}

/**
 * Runs `fn` inside one Dagger session. The SDK keeps a single global client
 * that connection() sets and clears, so concurrent builds must share one
 * session rather than each open their own.
 */
export async function withDaggerSession<T>(what: string, fn: (dag: Client) => Promise<T>): Promise<T> {
  // connection() wraps whatever the callback throws in its own Error; keep
  // ours as thrown, so a build error keeps its code.
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined
  try {
    await connection(async () => {
      try {
        outcome = { ok: true, value: await fn(globalDag) }
      } catch (error) {
        outcome = { ok: false, error }
      }
    })
  } catch (e) {
    throw translateDaggerError(e, what)
  }
  if (!outcome!.ok) throw translateDaggerError(outcome!.error, what)
  return outcome!.value
}

async function run(dag: Client, plan: BuildPlan, opts: DaggerEngineOptions): Promise<BuildResult> {
  const emit = opts.onEvent ?? noEvents
  const env = opts.env ?? process.env
  // A caller's Directory has no host folder whose git history we could read.
  const epoch = await sourceDateEpoch(opts, env, opts.source ? null : resolve(plan.source.dir))
  const warnings = [...plan.warnings]
  const warn = (message: string, platform?: Platform) => {
    warnings.push(message)
    emit({ kind: 'warning', service: plan.service, ...(platform ? { platform } : {}), message })
  }
  for (const w of plan.warnings) emit({ kind: 'warning', service: plan.service, message: w })
  const t0 = performance.now()
  const tmp = await mkdtemp(join(tmpdir(), `gostatic-dagger-${plan.service}-`))
  try {
    const sourceDir = resolve(plan.source.dir)
    const source = opts.source ?? dag.host().directory(sourceDir)
    const builder = preparedBuilder(dag, plan, source, env, opts.cacheKey)
    const step = async <T>(name: string, platform: Platform | undefined, fn: () => Promise<T>, detail?: (v: T) => string): Promise<T> => {
      if (opts.signal?.aborted) throw new GostaticError(ErrorCode.CANCELLED, `build of ${plan.service} was cancelled`)
      const s0 = performance.now()
      emit({ kind: 'step-start', service: plan.service, step: name as never, ...(platform ? { platform } : {}) })
      try {
        const v = await fn()
        const d = detail?.(v)
        emit({ kind: 'step-done', service: plan.service, step: name as never, ...(platform ? { platform } : {}), ms: Math.round(performance.now() - s0), ...(d ? { detail: d } : {}) })
        return v
      } catch (e) {
        throw translateDaggerError(e, plan.service)
      }
    }
    const goroot = (await step('mod-download', undefined, () => builder.withExec(['go', 'env', 'GOROOT']).stdout())).trim()
    // Zone files come from the builder's Go, as the local engine takes them from the host's.
    const gorootCopy = join(tmp, 'goroot')
    if (plan.runtime.files.some((f) => f.kind === 'zoneinfo')) {
      await mkdir(join(gorootCopy, 'lib', 'time'), { recursive: true })
      await builder.file(`${goroot}/lib/time/zoneinfo.zip`).export(join(gorootCopy, 'lib', 'time', 'zoneinfo.zip'))
    }
    const enginePlatform = await dag.defaultPlatform()
    const targets: DaggerTarget[] = []
    for (const t of plan.targets) {
      const what = `${plan.service} (${t.platform})`
      const out = outPath(t)
      const at = (stage: string) => join(tmp, stage, t.output)
      let c = compiled(builder, t)
      const built = await step('go-build', t.platform, () => bytesOf(c.file(out), at('built')), (b) => `${b.length} bytes`)
      let current = built
      let strip: TargetReport['strip'] = 'not requested'
      if (t.strip) {
        const s = await step('strip', t.platform, () => stripInDagger(c, t.strip!, out, built, what, at('stripped')), (s) => (s.kind === 'stripped' ? `${built.length} → ${s.after.length} bytes with ${s.tool}` : 'skipped'))
        c = s.container
        strip = s.kind
        if (s.kind === 'stripped') current = s.after
        else warn(s.warning, t.platform)
      }
      // The packed binary hides its build info, so verify before UPX, as the local engine does.
      let verified = verifyBinary(current, t.verify, what, plan.runtime.binaryPath)
      let upx: DaggerTarget['upx'] = null
      let final = current
      const pack = t.upx.kind === 'pack' ? t.upx : null
      if (pack) {
        const u = await step('upx', t.platform, () => upxInDagger(c, pack, out, what, enginePlatform === daggerPlatform(t)), (u) => (u.kind === 'packed' ? 'packed' : 'kept unpacked'))
        c = u.container
        upx = u.kind
        if (u.kind === 'kept-unpacked') warn(u.reason, t.platform)
        else {
          final = await bytesOf(c.file(out), at('packed'))
          verified = { ...verified, elf: { ...verified.elf, upx: true } }
        }
      }
      emit({ kind: 'step-done', service: plan.service, step: 'verify-static', platform: t.platform, ms: 0, detail: `static ${verified.elf.machine}, ${verified.buildInfo.goVersion}` })
      const files = await filesArchive(plan, t, { sourceDir, goroot: gorootCopy, epoch, tmp })
      const base = baseContainer(dag, plan, t, files ? dag.host().file(files) : null)
      const container = runtimeContainer(plan, base, c.file(out))
      const sizes = { built: built.length, stripped: strip === 'stripped' ? current.length : null, packed: upx === 'packed' ? final.length : null, final: final.length }
      targets.push({ platform: t.platform, verified, sizes, strip, upx, binary: final, base: await resolvedBase(dag, plan, t), container })
    }
    const archive = join(tmp, 'image.tar')
    const [first, ...rest] = targets.map((t) => t.container)
    await step('assemble-runtime', undefined, () => first!.export(archive, { platformVariants: rest, forcedCompression: ImageLayerCompression.Gzip }))
    const { registryAuth, dockerConfig, signal } = opts
    return await daggerResult({
      plan,
      archive,
      targets,
      epoch,
      env,
      warnings,
      cacheDir: opts.cacheDir ?? null,
      ms: Math.round(performance.now() - t0),
      keepContainers: opts.dag !== undefined,
      ...(opts.attest ? { attest: opts.attest } : {}),
      // The provenance names the builder image by digest; the engine knows what its reference resolved to.
      engineFacts: { builder: { name: plan.go.builderImage, digest: digestOf(await dag.container().from(plan.go.builderImage).imageRef()) } },
      registry: { env, ...(registryAuth ? { registryAuth } : {}), ...(dockerConfig ? { dockerConfig } : {}), ...(signal ? { signal } : {}) },
    })
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

function digestOf(ref: string): string {
  return ref.slice(ref.lastIndexOf('@') + 1)
}

/** What an image base's reference resolved to in the engine (the index digest for a multi-platform base, as the OCI annotation asks). */
async function resolvedBase(dag: Client, plan: BuildPlan, t: BuildPlan['targets'][number]): Promise<ResolvedBase | null> {
  const b = plan.runtime.base
  if (b.kind !== 'image') return null
  const ref = await dag.container({ platform: daggerPlatform(t) }).from(b.ref).imageRef()
  const digest = ref.slice(ref.lastIndexOf('@') + 1)
  return { name: b.ref, digest }
}
