// doctor(): a static-readiness audit of a Go module, run before a build. It
// compares the package graph Go would build with cgo on and off, and names
// what breaks or changes meaning in a CGO_ENABLED=0 binary on the runtime.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { z } from 'zod'
import { ErrorCode, GostaticError } from '../errors.js'
import { platformInfo } from '../spec/platform.js'
import { DoctorOptionsSchema, type DoctorOptions } from './doctor-options.js'
import type { DoctorReport, Finding, Topic } from './doctor-report.js'
import { goListDeps, type GoListPackage } from './go-list.js'
import { importChains, type ChainFinder } from './import-chain.js'
import { knownCgoModule } from '../plan/known-cgo-modules.js'
import { cgoSuggestion } from '../plan/cgo-plan.js'
import { doctorGoEnv } from './doctor-go-env.js'
import { TOPIC_PACKAGES, TOPIC_RULES, type TopicContext } from './meaning-changes.js'
import { scanTzCalls } from './tz-scan.js'
import { baseOf } from '../plan/runtime-bases.js'

export { DoctorOptionsSchema, type DoctorOptions }

// Exists only to support cgo; its absence without cgo is the point.
const CGO_RUNTIME = 'runtime/cgo'
const ORDER = { blocker: 0, warning: 1, info: 2 } as const

export async function doctor(dir: string, options: DoctorOptions = {}): Promise<DoctorReport> {
  const { env, signal, ...rest } = options
  const parsed = DoctorOptionsSchema.safeParse(rest)
  if (!parsed.success)
    throw new GostaticError(ErrorCode.INVALID_CONFIG, `invalid doctor options:\n${z.prettifyError(parsed.error)}`)
  const o = parsed.data
  const abs = resolve(dir)
  if (!existsSync(abs)) throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `source folder ${dir} does not exist`)
  const info = platformInfo(o.platform)
  // The Go a build of this module would use (a go.mod that needs a newer Go switches GOTOOLCHAIN, as builds do).
  const go = await doctorGoEnv(abs, env ?? process.env)
  const list = (cgo: boolean) =>
    goListDeps({
      dir: abs,
      patterns: [o.main],
      cgo,
      goos: info.os,
      goarch: info.goarch,
      tags: o.tags,
      env: go.env,
      ...(signal ? { signal } : {}),
    })
  const [withCgo, withoutCgo] = await Promise.all([list(true), list(false)])
  const chainCgo = importChains(withCgo)
  const chainNoCgo = importChains(withoutCgo)

  const findings: Finding[] = [...packageFindings(withCgo, withoutCgo, chainCgo)]
  const tzCalls = await scanTzCalls(withoutCgo, abs)
  const ctx: TopicContext = { base: baseOf(o.runtime), tzCalls, tzdataEmbedded: withoutCgo.has('time/tzdata') }
  const topics: [Topic, string, string[]][] = Object.entries(TOPIC_PACKAGES)
    .filter(([, pkg]) => withoutCgo.has(pkg))
    .map(([t, pkg]) => [t as Topic, pkg, swappedFiles(withCgo.get(pkg), withoutCgo.get(pkg))])
  if (tzCalls.length > 0 || ctx.tzdataEmbedded) topics.push(['time.LoadLocation', 'time', tzCalls.map((c) => c.where)])
  for (const [topic, pkg, evidence] of topics)
    findings.push({
      kind: 'changes-meaning',
      topic,
      package: pkg,
      chain: chainNoCgo(pkg),
      evidence,
      ...TOPIC_RULES[topic](ctx),
    })

  findings.sort((a, b) => ORDER[a.severity] - ORDER[b.severity])
  const counts = { blocker: 0, warning: 0, info: 0 }
  for (const f of findings) counts[f.severity]++
  return {
    schema: 'gostatic.doctor/v1',
    dir: abs,
    main: o.main,
    platform: o.platform,
    runtime: o.runtime,
    tags: o.tags,
    ok: counts.blocker === 0,
    counts,
    findings,
    notes: [
      `compared \`go list -deps\` of ${o.main} for ${o.platform} with CGO_ENABLED=1 (${withCgo.size} packages)` +
        ` and CGO_ENABLED=0 (${withoutCgo.size} packages), with ${go.version}`,
      "time.LoadLocation calls are found by a textual scan of the main module's own .go files; calls in " +
        'dependencies or through an aliased import of time are not seen',
    ],
  }
}

function* packageFindings(
  withCgo: ReadonlyMap<string, GoListPackage>,
  withoutCgo: ReadonlyMap<string, GoListPackage>,
  chain: ChainFinder,
): Generator<Finding> {
  const topicPackages = new Set<string>(Object.values(TOPIC_PACKAGES))
  for (const [path, off] of withoutCgo) {
    if (off.Error === undefined) continue
    const on = withCgo.get(path)
    if (on === undefined || on.Error !== undefined) {
      yield {
        kind: 'package-error',
        severity: 'blocker',
        package: path,
        chain: chain(path),
        message: `${path} does not build${on === undefined ? ' with CGO_ENABLED=0' : ''}: ${off.Error.Err}`,
      }
      continue
    }
    yield needsCgo(
      on,
      chain,
      'fails to build',
      'blocker',
      `${path} does not build with CGO_ENABLED=0: ${firstLine(off.Error.Err)}`,
    )
  }
  for (const [path, on] of withCgo) {
    if (path === CGO_RUNTIME || topicPackages.has(path)) continue
    const off = withoutCgo.get(path)
    if (off?.Error !== undefined) continue
    if (on.Error !== undefined && off === undefined) {
      yield {
        kind: 'package-error',
        severity: 'blocker',
        package: path,
        chain: chain(path),
        message: `${path} does not build: ${on.Error.Err}`,
      }
      continue
    }
    const cgoFiles = on.CgoFiles.length ? ` (cgo files: ${fileList(on.CgoFiles)})` : ''
    if (off === undefined) {
      // Report where the drop starts; what only it imported goes with it.
      const keptImporters = [...withCgo.values()]
        .filter((p) => p.Imports.includes(path) && withoutCgo.has(p.ImportPath))
        .map((p) => p.ImportPath)
      if (keptImporters.length === 0) continue
      const along = droppedBelow(path, withCgo, withoutCgo)
      yield needsCgo(
        on,
        chain,
        'drops out',
        on.Standard ? 'info' : 'warning',
        `${path}${cgoFiles} is imported only by the cgo files of ${keptImporters.join(', ')}: with CGO_ENABLED=0 ` +
          `those files are not built, so it drops out${along.length ? ` (with ${along.join(', ')})` : ''}`,
      )
      continue
    }
    if (on.CgoFiles.length === 0) continue
    if (knownCgoModule(path, on.Module?.Path)?.withoutCgo === 'stub') {
      yield needsCgo(
        on,
        chain,
        'stub',
        'blocker',
        `${path} uses cgo${cgoFiles}; with CGO_ENABLED=0 it compiles a stub that fails at run time`,
      )
      continue
    }
    const swapped = swappedFiles(on, off).join('; ')
    yield on.Standard
      ? needsCgo(
          on,
          chain,
          'switches files',
          'info',
          `${path} uses cgo${cgoFiles}; with CGO_ENABLED=0 Go builds its pure-Go implementation (${swapped})`,
        )
      : needsCgo(
          on,
          chain,
          'switches files',
          'warning',
          `${path} uses cgo${cgoFiles}; with CGO_ENABLED=0 it builds ` +
            `other files (${swapped}). Check that they are a working pure-Go implementation, not a stub`,
        )
  }
}

function needsCgo(
  p: GoListPackage,
  chain: ChainFinder,
  withoutCgo: Extract<Finding, { kind: 'needs-cgo' }>['withoutCgo'],
  severity: Finding['severity'],
  message: string,
): Finding {
  const known = knownCgoModule(p.ImportPath, p.Module?.Path)
  return {
    kind: 'needs-cgo',
    severity,
    package: p.ImportPath,
    module: p.Module?.Path ?? null,
    chain: chain(p.ImportPath),
    withoutCgo,
    message,
    replacement: known ? { path: known.replacement, note: known.note } : null,
    withCgo: p.Standard ? null : cgoSuggestion(known),
  }
}

/** What Go compiles differently for a package with cgo on and off, e.g. net's cgo_unix_cgo.go → cgo_stub.go. */
function swappedFiles(on: GoListPackage | undefined, off: GoListPackage | undefined): string[] {
  if (on === undefined || off === undefined) return []
  const before = new Set([...on.GoFiles, ...on.CgoFiles])
  const after = new Set(off.GoFiles)
  const gone = [...before].filter((f) => !after.has(f))
  const added = [...after].filter((f) => !before.has(f))
  if (gone.length === 0 && added.length === 0) return []
  return [
    `with cgo: ${gone.join(', ') || '(nothing else)'}; with CGO_ENABLED=0: ${added.join(', ') || '(nothing instead)'}`,
  ]
}

/** Packages that are in the build only because `root` is: they leave with it. */
function droppedBelow(
  root: string,
  withCgo: ReadonlyMap<string, GoListPackage>,
  withoutCgo: ReadonlyMap<string, GoListPackage>,
): string[] {
  const seen = new Set([root])
  const queue = [root]
  for (let i = 0; i < queue.length; i++)
    for (const imp of withCgo.get(queue[i]!)?.Imports ?? [])
      if (!seen.has(imp) && withCgo.has(imp) && !withoutCgo.has(imp)) {
        seen.add(imp)
        queue.push(imp)
      }
  return queue.slice(1).sort()
}

function fileList(files: readonly string[]): string {
  return files.length <= 4 ? files.join(', ') : `${files.slice(0, 3).join(', ')} and ${files.length - 3} more`
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim()
}
