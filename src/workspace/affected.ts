// `gostatic affected` and `build --changed-since`: asks git what changed
// since a ref and go what each service is built from, then lets the pure
// selection (affected-select.ts) decide. Only I/O lives here.
import { realpathSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import type { GoService } from '../builder/go-service.js'
import type { BuildPlan } from '../plan/build-plan.js'
import { selectAffected, type Affected, type ServiceInputs } from './affected-select.js'
import { configFiles } from './config-imports.js'
import { gitChanges, gitShow } from './git-changes.js'
import { diffModuleFile, moduleFileKind, type ModuleFileChange } from './module-file-diff.js'
import { serviceClosures } from './service-closure.js'
import { planOf } from './plan-of.js'

export interface AffectedOptions {
  /** The git ref to compare with (its merge base with HEAD). */
  readonly since: string
  /** The workspace root: services' paths are given relative to it. */
  readonly root: string
  /** The config file the services came from, if any: it and its local imports are inputs of every service. */
  readonly configFile?: string | undefined
  /** How the ref was given, for errors (default '--since'). */
  readonly flag?: string
  readonly env?: NodeJS.ProcessEnv
  readonly signal?: AbortSignal
}

export interface AffectedResult {
  /** The commit compared with. */
  readonly base: string
  /** Changed files (repo-relative) that were looked at. */
  readonly changed: number
  readonly services: readonly Affected[]
}

export async function affectedServices(services: readonly GoService[], opts: AffectedOptions): Promise<AffectedResult> {
  const root = resolve(opts.root)
  const git = await gitChanges(root, opts.since, opts.flag ?? '--since')
  const top = realpathSync(git.top)
  if (git.files.length === 0) return { base: git.base, changed: 0, services: [] }
  const moduleFiles = new Map<string, ModuleFileChange>()
  for (const f of git.files) {
    const kind = moduleFileKind(f)
    if (kind === null) continue
    const now = await readFile(join(top, f), 'utf8').catch(() => '') // deleted: every pin it had moved
    moduleFiles.set(f, diffModuleFile(kind, await gitShow(top, git.base, f), now))
  }
  const plans = services.map(planOf)
  const closures = await serviceClosures(plans, opts.env ?? process.env, opts.signal)
  const config = (opts.configFile === undefined ? [] : configFiles(opts.configFile)).map((f) => ({
    file: real(f),
    why: 'config' as const,
  }))
  const inputs: ServiceInputs[] = services.map((s, i) => ({
    name: s.name,
    path: servicePath(root, s, plans[i]!),
    closure: closures[i]!,
    extra: [...config, ...copiedFiles(s).map((f) => ({ file: real(f), why: 'copied' as const }))],
  }))
  const affected = selectAffected(inputs, { top, files: git.files, moduleFiles })
  return { base: git.base, changed: git.files.length, services: affected }
}

/** The main package folder relative to the root, as a CI matrix passes it back to `gostatic build`. */
function servicePath(root: string, s: GoService, p: BuildPlan | null): string {
  try {
    const spec = s.toSpec()
    const rel = relative(root, resolve(p?.source.dir ?? spec.source, p?.source.main ?? spec.main))
      .split(sep)
      .join('/')
    return rel === '' ? '.' : rel
  } catch {
    return '.'
  }
}

/** Files the spec copies into the image from the source folder: files[].from and a pinned CA bundle. */
function copiedFiles(s: GoService): string[] {
  try {
    const spec = s.toSpec()
    const ca = typeof spec.caCertificates === 'object' ? [spec.caCertificates.file] : []
    return [...spec.files.map((f) => f.from), ...ca].map((f) => resolve(spec.source, f))
  } catch {
    return []
  }
}

function real(p: string): string {
  try {
    return realpathSync(p)
  } catch {
    return p
  }
}
