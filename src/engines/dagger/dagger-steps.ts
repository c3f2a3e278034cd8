// The plan's steps as Dagger calls, one handler per step kind, walked in plan
// order like the local engine's. Dagger is lazy: a step that only extends the
// container chain forces it (sync) so its time is the step's own, not the
// next one's. Adding a kind to Step is a type error here until it is handled.
import { realpathSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { Client, Container, Directory } from '@dagger.io/dagger'
import { ErrorCode, GostaticError } from '../../errors.js'
import type { BuildPlan, RuntimePlan, StepKind, TargetPlan } from '../../plan/build-plan.js'
import type { Platform } from '../../spec/platform.js'
import { verifyBinary, type VerifiedBinary } from '../../verify/verify-binary.js'
import { assertProgram } from '../../verify/program-check.js'
import { verifyNeeds, type TargetNeeds } from '../../verify/verify-needs.js'
import type { EventSink } from '../events.js'
import type { EngineOutput, TargetReport } from '../engine-output.js'
import type { StepHandlers } from '../run-steps.js'
import type { DaggerEngineOptions } from './dagger-engine.js'
import { compiled, outPath } from './builder-container.js'
import { daggerPlatform } from './runtime-container.js'
import { bytesOf, stripInDagger, upxInDagger, type DaggerRunner } from './target-steps.js'
import { assembleRuntime } from './dagger-assemble.js'
import { engineBaseFiles } from './dagger-base-files.js'
import { applyNeeds, warn } from '../step-report.js'
import { smokeRunner } from '../../toolchain/smoke-runner.js'
import { pulledRef } from '../../plan/runtime-bases.js'
import { goBuildFailure } from './dagger-go-failure.js'
import { stepBinaryPath, stepWhat, type BinaryStep } from '../../plan/binaries.js'

export interface DaggerTargetState {
  readonly target: TargetPlan
  /** The builder holding this target's binary at outPath(target), as the last step left it; null before go-build. */
  container: Container | null
  /** The binary as the last step left it, exported to the host. */
  binary: Buffer | null
  built: number | null
  strip: TargetReport['strip']
  /** The binary before UPX packed it (its build info is what verify-static reads). */
  unpacked: Buffer | null
  upx: 'packed' | 'kept-unpacked' | null
  verified: VerifiedBinary | null
  needs: TargetNeeds | null
  /** The runtime to assemble: the plan's, plus what check-needs added on a static base. */
  runtime: RuntimePlan | null
}

export interface DaggerContext {
  readonly dag: Client
  readonly plan: BuildPlan
  readonly opts: DaggerEngineOptions
  readonly env: NodeJS.ProcessEnv
  readonly emit: EventSink
  readonly tmp: string
  readonly epoch: number
  readonly sourceDir: string
  readonly source: Directory
  readonly startedAt: number
  readonly warnings: string[]
  readonly targets: ReadonlyMap<Platform, DaggerTargetState>
  /** The .binary() programs' states, by binaryKey(platform, path). */
  readonly binaries: ReadonlyMap<string, DaggerTargetState>
  /** The shared builder as the module-file, download and source steps have left it. */
  builder: Container
  /** Files copy-module-files put in /src, kept when copy-sources copies only what it includes. */
  moduleFiles: readonly string[]
  result?: EngineOutput
}

export const daggerSteps: StepHandlers<DaggerContext> = {
  'copy-module-files': async (s, c) => {
    c.moduleFiles = [...s.files, ...s.optional]
    c.builder = await c.builder.withDirectory('/src', c.source, { include: [...c.moduleFiles] }).sync()
  },
  'mod-download': async (s, c) => {
    c.builder = await c.builder.withExec(['go', ...s.args]).sync()
  },
  'copy-sources': async (s, c) => {
    const include = s.include.length ? { include: [...c.moduleFiles, ...s.include] } : {}
    c.builder = await c.builder.withDirectory('/src', c.source, { ...include, exclude: [...s.exclude] }).sync()
  },
  'go-build': async (s, c) => {
    const t = state(c, s)
    t.container = compiled(c.builder, t.target)
    const built = t.container.file(outPath(t.target))
    t.binary = await bytesOf(built, hostPath(c, 'built', t)).catch(async (e: unknown) => {
      throw await goBuildFailure(e, c.builder, t.target, stepWhat(c.plan, s))
    })
    assertProgram(t.binary, stepWhat(c.plan, s), t.target.package)
    t.built = t.binary.length
    return `${t.built} bytes`
  },
  strip: async (s, c) => {
    const t = state(c, s)
    const plan = planned(t, 'strip', t.target.strip)
    const { binary: before, container } = builtBinary(t, 'strip')
    const out = outPath(t.target)
    const r = await stripInDagger(container, plan, out, before, stepWhat(c.plan, s), hostPath(c, 'stripped', t))
    t.container = r.container
    t.strip = r.kind
    if (r.kind === 'skipped') {
      warn(c, r.warning, s.platform)
      return 'skipped'
    }
    t.binary = r.after
    return `${before.length} → ${r.after.length} bytes with ${r.tool}`
  },
  upx: async (s, c) => {
    const t = state(c, s)
    const plan = planned(t, 'upx', t.target.upx.kind === 'pack' ? t.target.upx : null)
    const { binary: unpacked, container } = builtBinary(t, 'upx')
    t.unpacked = unpacked
    // The packed binary hides its build info: check the unpacked one before spending a pack on it.
    verifyBinary(unpacked, t.target.verify, stepWhat(c.plan, s), stepBinaryPath(c.plan, s))
    const native = (await c.dag.defaultPlatform()) === daggerPlatform(t.target)
    const runner = smokeRunner(native, plan.emulator, c.env)
    const target = outPath(t.target)
    const r = await upxInDagger(container, plan, target, stepWhat(c.plan, s), daggerRunner(c, runner))
    t.container = r.container
    t.upx = r.kind
    if (r.kind === 'kept-unpacked') {
      warn(c, r.reason, s.platform)
      return 'kept unpacked'
    }
    t.binary = await bytesOf(r.container.file(outPath(t.target)), hostPath(c, 'packed', t))
    return `${unpacked.length} → ${t.binary.length} bytes`
  },
  'check-needs': async (s, c) => {
    const t = state(c, s)
    const { binary } = builtBinary(t, 'check-needs')
    const ref = pulledRef(c.plan.runtime.base)
    const base = ref === null ? null : await engineBaseFiles(c.dag, ref, t.target, c.tmp)
    // A further binary is checked against the image as the binaries before it left it, and adds what it needs.
    const image = state(c, { platform: s.platform })
    const plan = s.binary === undefined || image.runtime === null ? c.plan : { ...c.plan, runtime: image.runtime }
    const r = verifyNeeds(binary, plan, base, stepWhat(c.plan, s))
    const detail = applyNeeds(c, t, r, s.platform)
    if (s.binary !== undefined) image.runtime = r.runtime
    return detail
  },
  'verify-static': async (s, c) => {
    const t = state(c, s)
    const final = builtBinary(t, 'verify-static').binary
    const check = (b: Buffer) => verifyBinary(b, t.target.verify, stepWhat(c.plan, s), stepBinaryPath(c.plan, s))
    let verified: VerifiedBinary
    if (t.upx === 'packed' && t.unpacked) {
      const v = check(t.unpacked)
      verified = { ...v, elf: { ...v.elf, upx: true } }
    } else verified = check(final)
    t.verified = verified
    return `static ${verified.elf.machine}, ${verified.buildInfo.goVersion}`
  },
  'assemble-runtime': async (_s, c) => {
    c.result = await assembleRuntime(c)
  },
}

/** "hello (linux/arm64)" for a platform's step, the service for the others. */
export function what(c: DaggerContext, platform: Platform | undefined): string {
  return platform ? `${c.plan.service} (${platform})` : c.plan.service
}

/** The state of the binary a step works on: the main one's per platform, or a .binary()'s. */
function state(c: DaggerContext, s: BinaryStep): DaggerTargetState {
  const t = s.binary === undefined ? c.targets.get(s.platform) : c.binaries.get(binaryKey(s.platform, s.binary))
  if (!t)
    throw new GostaticError(
      ErrorCode.UNSUPPORTED,
      `the plan for ${c.plan.service} has steps for ${stepWhat(c.plan, s)}`,
    )
  return t
}

export function binaryKey(platform: Platform, path: string): string {
  return `${platform} ${path}`
}

/** The binary and the builder holding it, once the target's go-build step ran. */
function builtBinary(t: DaggerTargetState, step: StepKind): { binary: Buffer; container: Container } {
  if (t.binary === null || t.container === null)
    throw new GostaticError(ErrorCode.UNSUPPORTED, `the plan runs ${step} for ${t.target.platform} before go-build`)
  return { binary: t.binary, container: t.container }
}

/** A step's settings from its target, which a plan made by plan() always has. */
function planned<T>(t: DaggerTargetState, step: StepKind, settings: T | null): T {
  if (settings === null)
    throw new GostaticError(ErrorCode.UNSUPPORTED, `the plan has a ${step} step for ${t.target.platform}, no settings`)
  return settings
}

function hostPath(c: DaggerContext, stage: string, t: DaggerTargetState): string {
  return join(c.tmp, stage, t.target.output)
}

/**
 * The host's emulator (a path smokeRunner found) as a file the builder can mount: the file itself, not a link to it.
 */
function daggerRunner(c: DaggerContext, runner: string[] | null): DaggerRunner {
  if (runner === null) return null
  const [path] = runner
  if (path === undefined) return { kind: 'native' }
  return { kind: 'emulated', name: basename(path), file: c.dag.host().file(realpathSync(path)) }
}
