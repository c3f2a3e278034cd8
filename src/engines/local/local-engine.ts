// The local engine: carries out a BuildPlan with the host's go, strip and upx,
// and writes the image itself. It translates steps; it decides nothing.
import { sourceLinkWarnings } from '../../util/source-links.js'
import { rm, stat } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ErrorCode, GostaticError } from '../../errors.js'
import type { BuildPlan, RuntimePlan, TargetPlan } from '../../plan/build-plan.js'
import type { Platform } from '../../spec/platform.js'
import { type VerifiedBinary } from '../../verify/verify-binary.js'
import { type TargetNeeds } from '../../verify/verify-needs.js'
import { noEvents, type EventSink } from '../events.js'
import { type ToolRun } from '../../util/run-tool.js'
import { makeTempDir } from '../../util/temp-dir.js'
import type { EngineOutput } from '../engine-output.js'
import type { ResolvedGo } from '../../toolchain/go-toolchain.js'
import { prepareGoEnv, type GoEnv } from '../../toolchain/go-env.js'
import { type StripOutcome } from './strip-binary.js'
import { type UpxOutcome } from './upx-pack.js'
import { type BinaryBytes } from './binary-bytes.js'
import { defaultCacheDir, ensureCacheDir, type CacheDamage } from '../../oci/cache-dir.js'
import { pullBaseImages } from './base-image.js'
import { sourceDateEpoch } from '../../toolchain/source-date-epoch.js'
import type { BaseImage } from './base-image.js'
import type { PullPolicy, RegistryOptions } from '../../registry/registry-options.js'
import { assembled, runSteps } from '../run-steps.js'
import { localSteps } from './local-steps.js'
import { pulledRef } from '../../plan/runtime-bases.js'
import { stepTarget } from '../../plan/binaries.js'

export type GoRunner = (
  args: readonly string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; signal?: AbortSignal },
) => Promise<ToolRun>

export interface LocalEngineOptions extends RegistryOptions {
  signal?: AbortSignal
  onEvent?: EventSink
  /** Base environment for tools (default process.env); the plan's env goes on top. */
  env?: NodeJS.ProcessEnv
  /**
   * Seconds for every timestamp in the image (default: SOURCE_DATE_EPOCH, else the last commit's time of a clean git
   * checkout, else 0).
   */
  sourceDateEpoch?: number
  /** Folder for cached layers and blobs (default $GOSTATIC_CACHE_DIR or ~/.cache/gostatic); null disables the cache. */
  cacheDir?: string | null
  /**
   * false: the binary's layer stays an uncompressed tar (not cached), for an image only loaded into a Docker daemon,
   * which would decompress it again (`gostatic build --load`). Its digests then differ from a compressed build's;
   * the image ID (config digest) does not. Default true. Local engine only.
   */
  compressLayers?: boolean
  /**
   * An image runtime base: 'missing' (default) reuses the digest its tag resolved to last time, from the cache;
   * 'always' asks the registry again.
   */
  pull?: PullPolicy
  /**
   * Not public API (BuildOptions omits it): the digest of everything this service's go build reads, which a workspace
   * build computes for all its services at once (workspace/service-digest.ts). When the last build of the same
   * service, target and flags recorded the same digest beside its output, and the output still hashes to its
   * record, go is not run.
   */
  inputsDigest?: string
  /** Test seam, not public API (BuildOptions omits it): runs `go` with the given argv. Defaults to the host go. */
  runGo?: GoRunner
}

export interface TargetState {
  readonly target: TargetPlan
  readonly binPath: string
  /** The bytes at binPath and their hash, once a step has read or written them; null: read the file. */
  current: BinaryBytes | null
  built: number
  strip: StripOutcome | null
  upx: UpxOutcome | null
  unpacked: Buffer | null
  verified: VerifiedBinary | null
  needs: TargetNeeds | null
  /** The runtime to assemble: the plan's, plus what check-needs added on a static base. */
  runtime: RuntimePlan | null
}

export interface LocalContext {
  readonly plan: BuildPlan
  readonly sourceDir: string
  readonly work: string
  readonly go: ResolvedGo
  readonly env: NodeJS.ProcessEnv
  readonly opts: LocalEngineOptions
  readonly emit: EventSink
  readonly targets: Map<Platform, TargetState>
  /** The .binary() programs' states, by binaryKey(platform, path). */
  readonly binaries: Map<string, TargetState>
  readonly warnings: string[]
  readonly epoch: number
  readonly cacheDir: string | null
  /** Reports a cache entry that failed its check (a 'cache-damaged' event). */
  readonly onCacheDamage: CacheDamage
  /** The env of every go process of this build (host, toolchain switch, secrets; never the image's). */
  readonly goEnv: GoEnv
  /** The pulled image base per platform; null for bases gostatic makes. */
  bases: ReadonlyMap<Platform, BaseImage> | null
  result?: EngineOutput
}

export async function buildLocal(plan: BuildPlan, opts: LocalEngineOptions = {}): Promise<EngineOutput> {
  const env = opts.env ?? process.env
  const emit = opts.onEvent ?? noEvents
  const t0 = performance.now()
  const work = await makeTempDir(`gostatic-${plan.service}-`)
  try {
    const sourceDir = resolve(plan.source.dir)
    if (!existsSync(sourceDir))
      throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `source folder ${plan.source.dir} does not exist`)
    if (!(await stat(sourceDir)).isDirectory())
      throw new GostaticError(
        ErrorCode.INPUT_NOT_FOUND,
        `source ${plan.source.dir} is a file; source is the folder holding go.mod`,
      )
    const cacheDir = opts.cacheDir === undefined ? defaultCacheDir(env) : opts.cacheDir
    // Before the C toolchain's cache is made in it.
    if (cacheDir !== null) await ensureCacheDir(cacheDir)
    const goEnv = await prepareGoEnv(plan, env, work, cacheDir)
    const c: LocalContext = {
      plan,
      env,
      opts,
      emit,
      work,
      warnings: [...plan.warnings],
      epoch: await sourceDateEpoch(opts, env, sourceDir),
      cacheDir,
      onCacheDamage: (entry, reason) => emit({ kind: 'cache-damaged', service: plan.service, entry, reason }),
      bases: null,
      sourceDir,
      go: goEnv.go,
      goEnv,
      targets: new Map(plan.targets.map((t) => [t.platform, freshTarget(t, join(work, t.output))])),
      binaries: new Map(
        plan.targets.flatMap((t) =>
          plan.binaries.map((b) => {
            const target = stepTarget(plan, { platform: t.platform, binary: b.path })
            return [binaryKey(t.platform, b.path), freshTarget(target, join(work, target.output))] as const
          }),
        ),
      ),
    }
    if (c.go.env['GOTOOLCHAIN'])
      emit({
        kind: 'info',
        service: plan.service,
        message:
          `host ${c.go.hostVersion} is ` +
          `older than ${plan.go.version}: building with ${c.go.version} (GOTOOLCHAIN=${c.go.env['GOTOOLCHAIN']})`,
      })
    if (goEnv.cgoTool) {
      const message = `cgo: ${plan.go.cgo!.toolchain} at ${goEnv.cgoTool.path} (${goEnv.cgoTool.via})`
      emit({ kind: 'info', service: plan.service, message })
    }
    for (const w of plan.warnings) emit({ kind: 'warning', service: plan.service, message: w })
    for (const w of await sourceLinkWarnings(sourceDir)) {
      c.warnings.push(w)
      emit({ kind: 'warning', service: plan.service, message: w })
    }
    // Before compiling: a wrong tag or missing platform should not cost a Go build to find out.
    const ref = pulledRef(plan.runtime.base)
    if (ref !== null) {
      const pullOpts = { ...opts, env, cacheDir: c.cacheDir, onCacheDamage: c.onCacheDamage }
      c.bases = await pullBaseImages(ref, plan.targets, plan.service, emit, pullOpts)
    }
    await runSteps({ plan, engine: 'local', handlers: localSteps, context: c, emit, signal: opts.signal })
    const out = assembled(c.result)
    return { ...out, report: { ...out.report, ms: Math.round(performance.now() - t0) } }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** A target before its first step. */
function freshTarget(target: TargetPlan, binPath: string): TargetState {
  const nothing = { current: null, strip: null, upx: null, unpacked: null, verified: null, needs: null, runtime: null }
  return { target, binPath, built: 0, ...nothing }
}

export function binaryKey(platform: Platform, path: string): string {
  return `${platform} ${path}`
}
