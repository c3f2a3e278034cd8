// `gostatic build`: builds every service (in parallel, each failure kept to
// itself), exports and optionally pushes each image, prints a summary table
// or JSON. Ctrl-C cancels cleanly: tools are killed, temp folders removed,
// and no output is half-written.
import { availableParallelism } from 'node:os'
import { statSync } from 'node:fs'
import { resolve, join } from 'node:path'
import { ErrorCode, GostaticError, isGostaticError } from '../../errors.js'
import type { BuildFlags } from '../parse-cli.js'
import { loadServices } from '../services-from-flags.js'
import { formatError } from '../main.js'
import { createReporter } from '../../progress/reporter.js'
import { summaryTable, type ServiceOutcome } from '../summary-table.js'
import { humanBytes } from '../../util/human-bytes.js'
import { buildWorkspace, sourceOf, type ServiceBuild } from '../../workspace/build-workspace.js'
import type { GoService } from '../../builder/go-service.js'
import { pushTargets, withTagVersion, writeImageRefs } from '../push-targets.js'
import { internalFailure } from '../../util/internal-failure.js'
import { loadSigner, type SignOptions } from '../../image/sign-key.js'
import type { ResolvedWorkspace } from '../../workspace/go-workspace.js'

export async function buildCommand(dir: string, flags: BuildFlags): Promise<number> {
  if (flags.all && flags.service.length > 0)
    throw new GostaticError(ErrorCode.INVALID_CONFIG, `--all builds every service; --service ${flags.service.join(', ')} picks some. Give one of them`)
  const loaded = await loadServices(dir, flags)
  const { workspace: loadedWs, repo } = loaded
  const services = withTagVersion(loaded.services, flags.tag)
  const workspace = loadedWs && { ...loadedWs, services }
  // Mistakes in where the result goes are found before minutes of building.
  const targets = await pushTargets(flags, services, repo)
  if (flags.imageRefs !== undefined && flags.push === undefined)
    throw new GostaticError(ErrorCode.INVALID_CONFIG, `--image-refs ${flags.imageRefs} lists pushed images; give --push too`)
  // Read once here, so a bad key is one error naming the flag rather than one per service.
  const sign = flags.signKey === undefined ? undefined : checkSignKey(flags.signKey)
  if (flags.out !== undefined && services.length === 1 && isFolder(flags.out))
    throw new GostaticError(ErrorCode.OUTPUT_NOT_WRITABLE, `--out ${flags.out} is a folder; with one service --out names the archive file, like ${join(flags.out, `${services[0]!.name}.tar`)}`)
  const ws: ResolvedWorkspace = workspace ?? { root: resolve(dir), workModules: null, modules: sourcesOf(services), services, vendor: false }
  // The same reporters as the API's build(); --json keeps stderr quiet unless --reporter says otherwise.
  const progress = createReporter({ reporter: flags.reporter ?? (flags.json ? 'silent' : 'auto') }, services.map((s) => s.name))
  const abort = new AbortController()
  const onSigint = () => abort.abort()
  process.once('SIGINT', onSigint)
  const outcomes = new Map<string, ServiceOutcome>()
  // Each failure as it was thrown: printed as is, and an internal error's cause has the stack GOSTATIC_DEBUG=1 shows.
  const failures = new Map<string, GostaticError>()
  const fail = (b: ServiceBuild, err: GostaticError) => {
    failures.set(b.name, err)
    const error = { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) }
    outcomes.set(b.name, { service: b.name, ok: false, error, ms: b.ms })
    progress.done(b.name, { ok: false, error: err.code })
  }
  const exports: Promise<void>[] = []
  const pushed = new Map<string, string[]>()
  const exportOne = async (b: ServiceBuild): Promise<void> => {
    if (!b.ok) return fail(b, b.error)
    try {
      // After Ctrl-C nothing more is written or pushed.
      const cancelled = () => new GostaticError(ErrorCode.CANCELLED, `${b.name}: cancelled before export`)
      if (abort.signal.aborted) throw cancelled()
      const out = flags.out === undefined ? join('dist', `${b.name}.tar`) : services.length > 1 ? join(flags.out, `${b.name}.tar`) : flags.out
      const archive = await b.result.exportTarball(out, { attach: flags.attach })
      const refs: string[] = []
      for (const target of targets.get(b.name) ?? []) {
        if (abort.signal.aborted) throw cancelled()
        refs.push(await b.result.publish(target, { signal: abort.signal }))
      }
      pushed.set(b.name, refs)
      const ref = refs[0]
      outcomes.set(b.name, { service: b.name, ok: true, report: b.result.report, archive: { path: resolve(archive.path), digest: archive.indexDigest, size: archive.size }, ms: b.ms, ...(ref !== undefined ? { pushed: ref } : {}) })
      progress.done(b.name, { ok: true, detail: `${humanBytes(archive.size)} ${archive.indexDigest.slice(0, 19)}${ref ? `, pushed ${ref}` : ''}` })
    } catch (e) {
      // Every service gets an outcome, whatever went wrong while exporting it.
      fail(b, isGostaticError(e) ? e : internalFailure(e, `exporting ${b.name}`))
    }
  }
  try {
    await buildWorkspace(ws, {
      engine: flags.engine,
      ...(sign ? { sign } : {}),
      concurrency: flags.concurrency ?? availableParallelism(),
      onEvent: progress.onEvent,
      signal: abort.signal,
      onServiceDone: (b) => void exports.push(exportOne(b)),
    })
    await Promise.all(exports)
  } finally {
    process.removeListener('SIGINT', onSigint)
    await progress.close()
  }
  const list = services.map((s) => outcomes.get(s.name)!).filter(Boolean)
  for (const o of flags.json ? [] : list) {
    if (o.ok) continue
    // Code, message and hint (and an internal error's cause), as the per-service lines have always shown them.
    const f = failures.get(o.service)!
    const err = new GostaticError(f.code, f.message, { hint: f.hint, cause: f.cause })
    process.stderr.write(`\n${o.service}: ${formatError(err)}`)
  }
  const pushedLines = services.flatMap((s) => (pushed.get(s.name) ?? []).map((r) => `${s.name}: pushed ${r}\n`))
  process.stdout.write(flags.json ? JSON.stringify(list, null, 2) + '\n' : summaryTable(list) + pushedLines.join(''))
  // Written when every service pushed, as ko writes --image-refs: a partial list would read as a complete one.
  if (flags.imageRefs !== undefined && list.every((o) => o.ok)) await writeImageRefs(flags.imageRefs, [...pushed.values()].flat())
  return list.every((o) => o.ok) ? 0 : 1
}

function sourcesOf(services: readonly GoService[]): string[] {
  return [...new Set(services.flatMap((s) => sourceOf(s) ?? []))].sort()
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** The key as build({ sign }) takes it, its errors named for the flag (the password comes from COSIGN_PASSWORD). */
function checkSignKey(key: string): SignOptions {
  try {
    loadSigner({ key }, process.env)
  } catch (e) {
    if (!isGostaticError(e)) throw e
    const flag = (t: string) => t.replace(/^sign\.key\b/, '--sign-key').replace(', or pass sign.password', '')
    throw new GostaticError(e.code, flag(e.message), e.hint ? { hint: flag(e.hint) } : {})
  }
  return { key }
}
