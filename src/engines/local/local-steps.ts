// The plan's steps on the host: one handler per step kind (go, strip, upx,
// the needs check, verification, assembly). The shared loop in run-steps.ts
// walks them; adding a Step kind is a type error here until it is handled.
import { copyFile, mkdir, open, stat } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { constants as fsConstants, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { ErrorCode, GostaticError } from '../../errors.js'
import type { TargetPlan } from '../../plan/build-plan.js'
import { stepBinaryPath, stepWhat, type BinaryStep } from '../../plan/binaries.js'
import { hostPlatform } from '../../spec/platform.js'
import { verifyBinary } from '../../verify/verify-binary.js'
import { verifyNeeds } from '../../verify/verify-needs.js'
import { runTool, type ToolRun } from '../../util/run-tool.js'
import { goCommandError } from '../../toolchain/go-errors.js'
import { goBuildError } from '../../toolchain/go-failure.js'
import { assertProgram } from '../../verify/program-check.js'
import { stripBinary } from './strip-binary.js'
import { upxPack } from './upx-pack.js'
import { assembleImages } from './assemble.js'
import { makeResult } from './local-result.js'
import { memoStep, toolIdentity } from './step-memo.js'
import { currentBinary } from './binary-bytes.js'
import { checkGoOutput, forgetInputs, recordGoOutput, recordInputs, reusableGoOutput } from './go-output-cache.js'
import { needsBaseOf } from './base-image.js'
import { applyNeeds, warn } from '../step-report.js'
import { smokeRunner } from '../../toolchain/smoke-runner.js'
import { binaryKey, type LocalContext, type TargetState } from './local-engine.js'
import type { StepHandlers } from '../run-steps.js'
import { hint } from '../../hints.js'

export const localSteps: StepHandlers<LocalContext> = {
  'copy-module-files': async (s, c) => {
    for (const f of s.files.filter((f) => f === 'go.mod'))
      if (!existsSync(join(c.sourceDir, f)))
        throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `source ${c.plan.source.dir} has no ${f}`, {
          hint: `${hint('module-folder')} (run \`go mod init\` to create one)`,
        })
  },
  'mod-download': async (s, c) => {
    const r = await runGo(c, s.args, c.plan.go.moduleEnv)
    if (r.exitCode !== 0) throw goCommandError(`go mod download failed for ${c.plan.service}`, r)
  },
  // Nothing to copy: the local engine builds in the source folder (a silent step, plan/silent-steps.ts).
  'copy-sources': async () => {},
  'go-build': async (s, c) => {
    const t = state(c, s)
    // go build skips the link when the output it finds carries the build ID it
    // would produce, so the output lives in the cache between builds; strip
    // and upx then work on a copy.
    const key = c.cacheDir === null ? null : goOutputKey(c.sourceDir, c.plan.service, t.target)
    const out = c.cacheDir === null || key === null ? t.binPath : join(c.cacheDir, 'go-out', key, t.target.output)
    const inputs = key === null ? null : (c.opts.inputsDigest ?? null)
    await mkdir(dirname(t.binPath), { recursive: true })
    const reused = inputs === null ? null : await reusableGoOutput(out, key!, inputs, c.onCacheDamage)
    if (reused !== null) {
      await copyFile(out, t.binPath, fsConstants.COPYFILE_FICLONE)
      t.current = reused
      assertProgram(reused.bytes.subarray(0, 16), `${c.plan.service} (${s.platform})`, t.target.package)
      t.built = reused.bytes.length
      const digest = inputs!.slice(0, 12)
      return `go not run: inputs unchanged (digest ${digest}), reused the verified output, ${t.built} bytes`
    }
    if (key !== null) await checkGoOutput(out, key, c.onCacheDamage)
    if (key !== null) await forgetInputs(out)
    await mkdir(dirname(out), { recursive: true })
    const r = await runGo(c, [...t.target.goArgs, '-o', out, t.target.package], t.target.env)
    if (r.exitCode !== 0) {
      // With cgo off, an undefined name may be one only cgo files declare: go list (cgo on) says whose.
      const list = (args: readonly string[], env: Record<string, string>) => runGo(c, args, { ...t.target.env, ...env })
      const go = t.target.env['CGO_ENABLED'] === '1' ? undefined : list
      throw await goBuildError(`go build failed for ${stepWhat(c.plan, s)}`, r, t.target.package, go)
    }
    // A reflink where the file system has them (btrfs, xfs), else a plain copy.
    if (out !== t.binPath) await copyFile(out, t.binPath, fsConstants.COPYFILE_FICLONE)
    t.current = null
    if (c.cacheDir !== null && key !== null) {
      const bin = await currentBinary(t)
      await recordGoOutput(c.cacheDir, out, key, bin)
      if (inputs !== null) await recordInputs(c.cacheDir, out, key!, inputs, bin.sha256)
    }
    assertProgram(await readHead(t.binPath), stepWhat(c.plan, s), t.target.package)
    t.built = (await stat(t.binPath)).size
    return `${t.built} bytes`
  },
  strip: async (s, c) => {
    const t = state(c, s)
    const plan = t.target.strip!
    const recipe = ['strip', plan, await toolIdentity(plan.candidates, c.env)]
    const input = await currentBinary(t)
    const what = stepWhat(c.plan, s)
    const run = () => stripBinary(t.binPath, input.bytes, plan, what, c.env)
    const m = await memoStep(c.cacheDir, recipe, t.binPath, input, run, c.onCacheDamage)
    t.current = m.output
    t.strip = m.outcome
    if (t.strip.kind === 'skipped') warn(c, t.strip.warning, s.platform)
    return (
      (t.strip.kind === 'stripped' ? `${t.strip.before} → ${t.strip.after} bytes with ${t.strip.tool}` : 'skipped') +
      (m.cached ? ' (cached)' : '')
    )
  },
  upx: async (s, c) => {
    const t = state(c, s)
    if (t.target.upx.kind !== 'pack') return
    const input = await currentBinary(t)
    t.unpacked = input.bytes
    // The packed binary hides its build info, so verify the unpacked one now.
    t.verified = verifyBinary(t.unpacked, t.target.verify, stepWhat(c.plan, s), stepBinaryPath(c.plan, s))
    const plan = t.target.upx
    const runner = smokeRunner(hostPlatform() === s.platform, plan.emulator, c.env)
    const recipe = ['upx', plan, runner, await toolIdentity(['upx'], c.env)]
    const pack = async () => ({
      outcome: await upxPack(t.binPath, plan, stepWhat(c.plan, s), runner, c.env),
    })
    const m = await memoStep(c.cacheDir, recipe, t.binPath, input, pack, c.onCacheDamage)
    t.current = m.output
    t.upx = m.outcome
    if (t.upx.kind === 'kept-unpacked') warn(c, t.upx.reason, s.platform)
    return (
      (t.upx.kind === 'packed' ? `${t.upx.before} → ${t.upx.after} bytes` : 'kept unpacked') +
      (m.cached ? ' (cached)' : '')
    )
  },
  'check-needs': async (s, c) => {
    const t = state(c, s)
    const pulled = c.bases?.get(s.platform)
    const base = pulled === undefined ? null : await needsBaseOf(pulled)
    // A further binary is checked against the image as the binaries before it left it, and adds what it needs.
    const image = state(c, { platform: s.platform })
    const plan = s.binary === undefined || image.runtime === null ? c.plan : { ...c.plan, runtime: image.runtime }
    const r = verifyNeeds((await currentBinary(t)).bytes, plan, base, stepWhat(c.plan, s))
    const detail = applyNeeds(c, t, r, s.platform)
    if (s.binary !== undefined) image.runtime = r.runtime
    return detail
  },
  'verify-static': async (s, c) => {
    const t = state(c, s)
    const what = stepWhat(c.plan, s)
    const final = (await currentBinary(t)).bytes
    if (t.upx?.kind === 'packed') {
      const elf = verifyBinary(t.unpacked!, t.target.verify, what, stepBinaryPath(c.plan, s))
      t.verified = { ...elf, elf: { ...elf.elf, ...packedFacts(final) } }
    } else t.verified = verifyBinary(final, t.target.verify, what, stepBinaryPath(c.plan, s))
    return `static ${t.verified.elf.machine}, ${t.verified.buildInfo.goVersion}`
  },
  'assemble-runtime': async (_s, c) => {
    c.result = makeResult(c, await assembleImages(c))
  },
}

function runGo(c: LocalContext, args: readonly string[], planEnv: Readonly<Record<string, string>>): Promise<ToolRun> {
  const env = c.goEnv.forCommand(planEnv)
  const signal = c.opts.signal
  if (c.opts.runGo) return c.opts.runGo(args, { cwd: c.sourceDir, env, ...(signal ? { signal } : {}) })
  return runTool('go', args, { cwd: c.sourceDir, env, ...(signal ? { signal } : {}) })
}

/** The state of the binary a step works on: the main one's per platform, or a .binary()'s. */
function state(c: LocalContext, s: BinaryStep): TargetState {
  return s.binary === undefined ? c.targets.get(s.platform)! : c.binaries.get(binaryKey(s.platform, s.binary))!
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
 * One stable output slot per service, source folder, target and flags, so go
 * build finds its previous output (two configurations sharing a slot would
 * relink each other's binary every time).
 */
function goOutputKey(sourceDir: string, service: string, t: TargetPlan): string {
  const id = JSON.stringify([sourceDir, service, t.platform, t.package, t.goArgs, t.env])
  return createHash('sha256').update(id).digest('hex').slice(0, 24)
}
