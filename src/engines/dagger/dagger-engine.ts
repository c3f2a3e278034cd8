// The Dagger engine: the plan's builder and runtime stages as Dagger
// containers. Binaries are exported and verified with the same check as the
// local engine before any image is exported.
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { connection, dag as globalDag, ImageLayerCompression, type Client, type Container, type Directory } from '@dagger.io/dagger'
import type { BuildPlan } from '../../plan/build-plan.js'
import type { Platform } from '../../spec/platform.js'
import { verifyBinary, type VerifiedBinary } from '../../verify/verify-binary.js'
import { noEvents, type EventSink } from '../events.js'
import type { BuildResult } from '../build-result.js'
import { preparedBuilder, targetBuild } from './builder-container.js'
import { baseArchive, runtimeContainer, daggerPlatform } from './runtime-container.js'
import { daggerResult } from './dagger-result.js'
import { translateDaggerError } from './dagger-errors.js'

export interface DaggerEngineOptions {
  onEvent?: EventSink
  env?: NodeJS.ProcessEnv
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
  readonly sizes: { built: number; final: number }
  /** The binary as it goes into the image (packed when UPX ran). */
  readonly binary: Buffer
  /** The runtime container; valid while the Dagger session that made it lives. */
  readonly container: Container
}

export async function buildDagger(plan: BuildPlan, opts: DaggerEngineOptions = {}): Promise<BuildResult> {
  if (opts.dag) return run(opts.dag, plan, opts)
  let result: BuildResult | undefined
  try {
    await connection(async () => {
      result = await run(globalDag, plan, opts)
    })
  } catch (e) {
    throw translateDaggerError(e, plan.service)
  }
  return result!
}

async function run(dag: Client, plan: BuildPlan, opts: DaggerEngineOptions): Promise<BuildResult> {
  const emit = opts.onEvent ?? noEvents
  const env = opts.env ?? process.env
  const epoch = opts.sourceDateEpoch ?? Number(env['SOURCE_DATE_EPOCH'] ?? 0)
  const t0 = performance.now()
  const tmp = await mkdtemp(join(tmpdir(), `gostatic-dagger-${plan.service}-`))
  try {
    const sourceDir = resolve(plan.source.dir)
    const source = opts.source ?? dag.host().directory(sourceDir)
    const builder = preparedBuilder(dag, plan, source, env, opts.cacheKey)
    const step = async <T>(name: string, platform: Platform | undefined, fn: () => Promise<T>): Promise<T> => {
      const s0 = performance.now()
      emit({ kind: 'step-start', service: plan.service, step: name as never, ...(platform ? { platform } : {}) })
      try {
        const v = await fn()
        emit({ kind: 'step-done', service: plan.service, step: name as never, ...(platform ? { platform } : {}), ms: Math.round(performance.now() - s0) })
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
      const b = targetBuild(builder, t, enginePlatform === daggerPlatform(t))
      const what = `${plan.service} (${t.platform})`
      const built = join(tmp, 'built', t.output)
      await mkdir(dirname(built), { recursive: true })
      await step('go-build', t.platform, () => b.built.file(b.out).export(built))
      const verified = verifyBinary(await readFile(built), t.verify, what, plan.runtime.binaryPath)
      emit({ kind: 'step-done', service: plan.service, step: 'verify-static', platform: t.platform, ms: 0, detail: `static ${verified.elf.machine}, ${verified.buildInfo.goVersion}` })
      const finalFile = b.final.file(b.out)
      const finalPath = join(tmp, 'final', t.output)
      await mkdir(dirname(finalPath), { recursive: true })
      await step(t.upx.kind === 'pack' ? 'upx' : 'strip', t.platform, () => finalFile.export(finalPath))
      const finalBytes = await readFile(finalPath)
      const basePath = await baseArchive(plan, t, { sourceDir, goroot: gorootCopy, epoch, tmp })
      const container = runtimeContainer(dag, plan, t, finalFile, basePath ? dag.host().file(basePath) : null)
      targets.push({ platform: t.platform, verified, binary: finalBytes, sizes: { built: (await readFile(built)).length, final: finalBytes.length }, container })
    }
    const archive = join(tmp, 'image.tar')
    const [first, ...rest] = targets.map((t) => t.container)
    await step('assemble-runtime', undefined, () => first!.export(archive, { platformVariants: rest, forcedCompression: ImageLayerCompression.Gzip }))
    return await daggerResult({ plan, archive, targets, epoch, env, cacheDir: opts.cacheDir ?? null, ms: Math.round(performance.now() - t0), keepContainers: opts.dag !== undefined })
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}
