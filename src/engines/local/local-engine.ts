// The local engine: carries out a BuildPlan with the host's go, strip and upx,
// and writes the image itself. It translates steps; it decides nothing.
import { copyFile, mkdir, open, rm, stat } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { constants as fsConstants, existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { ErrorCode, GostaticError } from '../../errors.js'
import type { BuildPlan, RuntimePlan, Step, TargetPlan } from '../../plan/build-plan.js'
import type { Platform } from '../../spec/platform.js'
import { hostPlatform } from '../../spec/platform.js'
import { verifyBinary, type VerifiedBinary } from '../../verify/verify-binary.js'
import { verifyNeeds, type TargetNeeds } from '../../verify/verify-needs.js'
import { noEvents, type EventSink } from '../events.js'
import { runTool, type ToolRun } from '../../util/run-tool.js'
import { goCommandError } from '../go-errors.js'
import { goBuildError } from '../go-failure.js'
import { assertProgram } from '../../verify/program-check.js'
import { makeTempDir } from '../../util/temp-dir.js'
import type { BuildResult } from '../build-result.js'
import type { ResolvedGo } from '../go-toolchain.js'
import { prepareGoEnv, type GoEnv } from '../go-env.js'
import { stripBinary, type StripOutcome } from './strip-binary.js'
import { upxPack, type UpxOutcome } from './upx-pack.js'
import { assembleImages } from './assemble.js'
import { makeResult } from './local-result.js'
import { memoStep, toolIdentity } from './step-memo.js'
import { currentBinary, type BinaryBytes } from './binary-bytes.js'
import { defaultCacheDir, ensureCacheDir } from '../../oci/cache-dir.js'
import { needsBaseOf, pullBaseImages } from './base-image.js'
import { sourceDateEpoch } from '../source-date-epoch.js'
import type { BaseImage } from './base-image.js'
import type { PullPolicy, RegistryOptions } from '../../registry/registry-options.js'
import type { EngineRunOptions } from '../attest-context.js'
import { applyNeeds, warn } from '../step-report.js'
import { smokeRunner } from '../smoke-runner.js'

export interface LocalEngineOptions extends RegistryOptions, EngineRunOptions {
  signal?: AbortSignal
  onEvent?: EventSink
  /** Base environment for tools (default process.env); the plan's env goes on top. */
  env?: NodeJS.ProcessEnv
  /** Seconds for every timestamp in the image (default: SOURCE_DATE_EPOCH, else the last commit's time of a clean git checkout, else 0). */
  sourceDateEpoch?: number
  /** Folder for cached layers and blobs (default $GOSTATIC_CACHE_DIR or ~/.cache/gostatic); null disables the cache. */
  cacheDir?: string | null
  /** An image runtime base: 'missing' (default) reuses the digest its tag resolved to last time, from the cache; 'always' asks the registry again. */
  pull?: PullPolicy
  /** Test seam: runs `go` with the given argv. Defaults to the host go. */
  runGo?: (args: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv; signal?: AbortSignal }) => Promise<ToolRun>
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
  readonly warnings: string[]
  readonly epoch: number
  readonly cacheDir: string | null
  /** The env of every go process of this build (host, toolchain switch, secrets; never the image's). */
  readonly goEnv: GoEnv
  /** The pulled image base per platform; null for bases gostatic makes. */
  bases: ReadonlyMap<Platform, BaseImage> | null
  result?: BuildResult
}

type Handler<K extends Step['kind']> = (s: Extract<Step, { kind: K }>, c: LocalContext) => Promise<string | void>

const handlers: { [K in Step['kind']]: Handler<K> } = {
  'copy-module-files': async (s, c) => {
    for (const f of s.files.filter((f) => f === 'go.mod'))
      if (!existsSync(join(c.sourceDir, f)))
        throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `source ${c.plan.source.dir} has no ${f}`, { hint: 'point source at the folder holding go.mod (run `go mod init` to create one)' })
    return 'building in place (local engine)'
  },
  'mod-download': async (s, c) => {
    const r = await runGo(c, s.args, c.plan.go.moduleEnv)
    if (r.exitCode !== 0) throw goCommandError(`go mod download failed for ${c.plan.service}`, r)
  },
  'copy-sources': async () => 'building in place (local engine)',
  'go-build': async (s, c) => {
    const t = state(c, s.platform)
    // go build skips the link when the output it finds carries the build ID it
    // would produce, so the output lives in the cache between builds; strip
    // and upx then work on a copy.
    const out = c.cacheDir === null ? t.binPath : goOutputPath(c.cacheDir, c.sourceDir, c.plan.service, t.target)
    await mkdir(dirname(out), { recursive: true })
    await mkdir(dirname(t.binPath), { recursive: true })
    const r = await runGo(c, [...t.target.goArgs, '-o', out, t.target.package], t.target.env)
    if (r.exitCode !== 0) {
      // With cgo off, an undefined name may be one only cgo files declare: go list (cgo on) says whose.
      const list = (args: readonly string[], env: Record<string, string>) => runGo(c, args, { ...t.target.env, ...env })
      const go = t.target.env['CGO_ENABLED'] === '1' ? undefined : list
      throw await goBuildError(`go build failed for ${c.plan.service} (${s.platform})`, r, t.target.package, go)
    }
    // A reflink where the file system has them (btrfs, xfs), else a plain copy.
    if (out !== t.binPath) await copyFile(out, t.binPath, fsConstants.COPYFILE_FICLONE)
    t.current = null
    assertProgram(await readHead(t.binPath), `${c.plan.service} (${s.platform})`, t.target.package)
    t.built = (await stat(t.binPath)).size
    return `${t.built} bytes`
  },
  strip: async (s, c) => {
    const t = state(c, s.platform)
    const plan = t.target.strip!
    const recipe = ['strip', plan, await toolIdentity(plan.candidates, c.env)]
    const input = await currentBinary(t)
    const what = `${c.plan.service} (${s.platform})`
    const m = await memoStep(c.cacheDir, recipe, t.binPath, input, () => stripBinary(t.binPath, input.bytes, plan, what, c.env))
    t.current = m.output
    t.strip = m.outcome
    if (t.strip.kind === 'skipped') warn(c, t.strip.warning, s.platform)
    return (t.strip.kind === 'stripped' ? `${t.strip.before} → ${t.strip.after} bytes with ${t.strip.tool}` : 'skipped') + (m.cached ? ' (cached)' : '')
  },
  upx: async (s, c) => {
    const t = state(c, s.platform)
    if (t.target.upx.kind !== 'pack') return
    const input = await currentBinary(t)
    t.unpacked = input.bytes
    // The packed binary hides its build info, so verify the unpacked one now.
    t.verified = verifyBinary(t.unpacked, t.target.verify, `${c.plan.service} (${s.platform})`, c.plan.runtime.binaryPath)
    const plan = t.target.upx
    const runner = smokeRunner(hostPlatform() === s.platform, plan.emulator, c.env)
    const recipe = ['upx', plan, runner, await toolIdentity(['upx'], c.env)]
    const pack = async () => ({ outcome: await upxPack(t.binPath, plan, `${c.plan.service} (${s.platform})`, runner, c.env) })
    const m = await memoStep(c.cacheDir, recipe, t.binPath, input, pack)
    t.current = m.output
    t.upx = m.outcome
    if (t.upx.kind === 'kept-unpacked') warn(c, t.upx.reason, s.platform)
    return (t.upx.kind === 'packed' ? `${t.upx.before} → ${t.upx.after} bytes` : 'kept unpacked') + (m.cached ? ' (cached)' : '')
  },
  'check-needs': async (s, c) => {
    const t = state(c, s.platform)
    const pulled = c.bases?.get(s.platform)
    const base = pulled === undefined ? null : await needsBaseOf(pulled)
    const r = verifyNeeds((await currentBinary(t)).bytes, c.plan, base, `${c.plan.service} (${s.platform})`)
    return applyNeeds(c, t, r, s.platform)
  },
  'verify-static': async (s, c) => {
    const t = state(c, s.platform)
    const what = `${c.plan.service} (${s.platform})`
    const final = (await currentBinary(t)).bytes
    if (t.upx?.kind === 'packed') {
      const elf = verifyBinary(t.unpacked!, t.target.verify, what, c.plan.runtime.binaryPath)
      t.verified = { ...elf, elf: { ...elf.elf, ...packedFacts(final) } }
    } else t.verified = verifyBinary(final, t.target.verify, what, c.plan.runtime.binaryPath)
    return `static ${t.verified.elf.machine}, ${t.verified.buildInfo.goVersion}`
  },
  'assemble-runtime': async (_s, c) => {
    c.result = makeResult(c, await assembleImages(c))
  },
}

export async function buildLocal(plan: BuildPlan, opts: LocalEngineOptions = {}): Promise<BuildResult> {
  const env = opts.env ?? process.env
  const emit = opts.onEvent ?? noEvents
  const t0 = performance.now()
  const work = await makeTempDir(`gostatic-${plan.service}-`)
  try {
    const sourceDir = resolve(plan.source.dir)
    if (!existsSync(sourceDir)) throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `source folder ${plan.source.dir} does not exist`)
    if (!(await stat(sourceDir)).isDirectory())
      throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `source ${plan.source.dir} is a file; source is the folder holding go.mod`)
    const cacheDir = opts.cacheDir === undefined ? defaultCacheDir(env) : opts.cacheDir
    // Before the C toolchain's cache is made in it.
    if (cacheDir !== null) await ensureCacheDir(cacheDir)
    const goEnv = await prepareGoEnv(plan, env, work, cacheDir)
    const c: LocalContext = {
      plan, env, opts, emit, work, warnings: [...plan.warnings], epoch: await sourceDateEpoch(opts, env, sourceDir),
      cacheDir,
      bases: null,
      sourceDir,
      go: goEnv.go,
      goEnv,
      targets: new Map(plan.targets.map((t) => [t.platform, freshTarget(t, join(work, t.output))])),
    }
    if (c.go.env['GOTOOLCHAIN']) emit({ kind: 'info', service: plan.service, message: `host ${c.go.hostVersion} is older than ${plan.go.version}: building with ${c.go.version} (GOTOOLCHAIN=${c.go.env['GOTOOLCHAIN']})` })
    if (goEnv.cgoTool) {
      const message = `cgo: ${plan.go.cgo!.toolchain} at ${goEnv.cgoTool.path} (${goEnv.cgoTool.via})`
      emit({ kind: 'info', service: plan.service, message })
    }
    for (const w of plan.warnings) emit({ kind: 'warning', service: plan.service, message: w })
    // Before compiling: a wrong tag or missing platform should not cost a Go build to find out.
    const base = plan.runtime.base
    if (base.kind === 'image') c.bases = await pullBaseImages(base.ref, plan.targets, plan.service, emit, { ...opts, env, cacheDir: c.cacheDir })
    for (const step of plan.steps) {
      if (opts.signal?.aborted) throw new GostaticError(ErrorCode.CANCELLED, `build of ${plan.service} was cancelled`)
      const platform = 'platform' in step ? step.platform : undefined
      emit({ kind: 'step-start', service: plan.service, step: step.kind, ...(platform ? { platform } : {}) })
      const s0 = performance.now()
      const detail = await (handlers[step.kind] as Handler<Step['kind']>)(step, c)
      emit({ kind: 'step-done', service: plan.service, step: step.kind, ...(platform ? { platform } : {}), ms: Math.round(performance.now() - s0), ...(detail ? { detail } : {}) })
    }
    if (!c.result) throw new GostaticError(ErrorCode.UNSUPPORTED, 'the plan has no assemble-runtime step')
    Object.assign(c.result.report, { ms: Math.round(performance.now() - t0) })
    return c.result
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

function runGo(c: LocalContext, args: readonly string[], planEnv: Readonly<Record<string, string>>): Promise<ToolRun> {
  const env = c.goEnv.forCommand(planEnv)
  const signal = c.opts.signal
  if (c.opts.runGo) return c.opts.runGo(args, { cwd: c.sourceDir, env, ...(signal ? { signal } : {}) })
  return runTool('go', args, { cwd: c.sourceDir, env, ...(signal ? { signal } : {}) })
}

function state(c: LocalContext, p: Platform): TargetState {
  return c.targets.get(p)!
}

/** A target before its first step. */
function freshTarget(target: TargetPlan, binPath: string): TargetState {
  const nothing = { current: null, strip: null, upx: null, unpacked: null, verified: null, needs: null, runtime: null }
  return { target, binPath, built: 0, ...nothing }
}

/** The first bytes of a file: enough to tell a program from a package archive. */
async function readHead(path: string): Promise<Buffer> {
  const fh = await open(path, 'r')
  try {
    const b = Buffer.alloc(16)
    const { bytesRead } = await fh.read(b, 0, b.length, 0)
    return b.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}

function packedFacts(bytes: Buffer) {
  return { upx: true, size: bytes.length }
}

/**
 * One stable output path per service, source folder, target and flags, so go
 * build finds its previous output (two configurations sharing a slot would
 * relink each other's binary every time).
 */
function goOutputPath(cacheDir: string, sourceDir: string, service: string, t: TargetPlan): string {
  const key = createHash('sha256').update(JSON.stringify([sourceDir, service, t.platform, t.package, t.goArgs, t.env])).digest('hex').slice(0, 24)
  return join(cacheDir, 'go-out', key, t.output)
}
