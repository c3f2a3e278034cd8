// `gostatic build`: builds every service (in parallel, each failure kept to
// itself), exports and optionally pushes each image, prints a summary table
// or JSON. Ctrl-C cancels cleanly: tools are killed, temp folders removed,
// and no output is half-written.
import { availableParallelism } from 'node:os'
import { statSync } from 'node:fs'
import { resolve, join } from 'node:path'
import { ErrorCode, GostaticError, isGostaticError } from '../../errors.js'
import {
  buildWorkspace,
  createReporter,
  loadSigner,
  pushTargets,
  sourceOf,
  withTagVersion,
  writeImageRefs,
  type GoService,
  type ResolvedWorkspace,
  type ServiceBuild,
  type SignOptions,
} from '../../index.js'
import type { BuildFlags } from '../parse-cli.js'
import { loadServices, type LoadedServices } from '../services-from-flags.js'
import { onlyChanged } from '../changed-since.js'
import { formatError } from '../main.js'
import { summaryTable, type ServiceOutcome } from '../summary-table.js'
import { humanBytes } from '../../util/human-bytes.js'
import { internalFailure } from '../../util/internal-failure.js'
import { defaultArchivePath } from '../../util/out-folder.js'

export async function buildCommand(dir: string, flags: BuildFlags): Promise<number> {
  if (flags.all && flags.service.length > 0)
    throw new GostaticError(
      ErrorCode.USAGE,
      `--all builds every service; --service ${flags.service.join(', ')} picks some. Give one of them`,
    )
  const loaded =
    flags.changedSince === undefined
      ? await loadServices(dir, flags)
      : await onlyChanged(dir, flags, flags.changedSince)
  if (loaded === null) return 0
  const services = withTagVersion(loaded.services, flags.tag)
  const workspace = loaded.workspace && { ...loaded.workspace, services }
  // Mistakes in where the result goes are found before minutes of building.
  const targets = await checkedTargets(flags, services, loaded.repo)
  if (flags.imageRefs !== undefined && flags.push === undefined)
    throw new GostaticError(ErrorCode.USAGE, `--image-refs ${flags.imageRefs} lists pushed images; give --push too`)
  // Read once here, so a bad key is one error naming the flag rather than one per service.
  const sign = flags.signKey === undefined ? undefined : checkSignKey(flags.signKey)
  // With --changed-since the selection varies run to run, so --out is always the folder.
  const many = services.length > 1 || flags.changedSince !== undefined
  if (flags.out !== undefined && !many && isFolder(flags.out))
    throw new GostaticError(
      ErrorCode.OUTPUT_NOT_WRITABLE,
      `--out ${flags.out} is a folder; with one service --out names the archive file, like ` +
        `${join(flags.out, `${services[0]!.name}.tar`)}`,
    )
  const ws: ResolvedWorkspace = workspace ?? {
    root: resolve(dir),
    workModules: null,
    modules: sourcesOf(services),
    services,
    vendor: false,
  }
  // The same reporters as the API's build(); --json keeps stderr quiet unless --reporter says otherwise.
  const progress = createReporter(
    { reporter: flags.reporter ?? (flags.json ? 'silent' : 'auto') },
    services.map((s) => s.name),
  )
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
  // One limit for base pulls and pushes alike (the process-wide transfer limiter).
  const registry = flags.registryConcurrency === undefined ? {} : { registryConcurrency: flags.registryConcurrency }
  const exportOne = async (b: ServiceBuild): Promise<void> => {
    if (!b.ok) return fail(b, b.error)
    try {
      // After Ctrl-C nothing more is written or pushed.
      const cancelled = () => new GostaticError(ErrorCode.CANCELLED, `${b.name}: cancelled before export`)
      if (abort.signal.aborted) throw cancelled()
      const archive = writesArchive(flags)
        ? await b.result.exportTarball(archivePath(flags, b.name, many ? Math.max(2, services.length) : 1), {
            attach: flags.attach,
          })
        : undefined
      const refs: string[] = []
      for (const target of targets.get(b.name) ?? []) {
        if (abort.signal.aborted) throw cancelled()
        refs.push(await b.result.publish(target, { signal: abort.signal, ...registry }))
      }
      pushed.set(b.name, refs)
      const ref = refs[0]
      if (abort.signal.aborted && flags.load) throw cancelled()
      const loaded = flags.load ? await b.result.load() : undefined
      outcomes.set(b.name, {
        service: b.name,
        ok: true,
        report: b.result.report,
        ...(archive
          ? { archive: { path: resolve(archive.path), digest: archive.indexDigest, size: archive.size } }
          : {}),
        ms: b.ms,
        ...(ref !== undefined ? { pushed: ref } : {}),
        ...(loaded !== undefined ? { loaded } : {}),
      })
      const said = [
        archive ? `${humanBytes(archive.size)} ${archive.indexDigest.slice(0, 19)}` : '',
        ref ? `pushed ${ref}` : '',
        loaded ? `loaded ${loaded}` : '',
      ]
      progress.done(b.name, { ok: true, detail: said.filter(Boolean).join(', ') })
    } catch (e) {
      // Every service gets an outcome, whatever went wrong while exporting it.
      fail(b, isGostaticError(e) ? e : internalFailure(e, `exporting ${b.name}`))
    }
  }
  try {
    await buildWorkspace(ws, {
      engine: flags.engine,
      ...registry,
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
  if (flags.imageRefs !== undefined && list.every((o) => o.ok))
    await writeImageRefs(flags.imageRefs, [...pushed.values()].flat())
  return list.every((o) => o.ok) ? 0 : 1
}

/** --push and --load ship the image elsewhere: an archive is written too only when --out asks for one. */
function writesArchive(flags: BuildFlags): boolean {
  return flags.out !== undefined || (flags.push === undefined && !flags.load)
}

/** --out for one service, a folder of <name>.tar for several, else gostatic-out/<name>.tar. */
function archivePath(flags: BuildFlags, name: string, count: number): string {
  if (flags.out === undefined) return defaultArchivePath(name)
  return count > 1 ? join(flags.out, `${name}.tar`) : flags.out
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

/** Where the images go, checked before minutes of building; a bad --push or --tag is a usage error. */
async function checkedTargets(flags: BuildFlags, services: GoService[], repo: LoadedServices['repo']) {
  try {
    return await pushTargets(flags, services, repo)
  } catch (e) {
    if (!isGostaticError(e) || (e.code !== ErrorCode.INVALID_REFERENCE && e.code !== ErrorCode.INVALID_CONFIG)) throw e
    throw new GostaticError(ErrorCode.USAGE, e.message, e.hint ? { hint: e.hint } : {})
  }
}
