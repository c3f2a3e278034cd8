// `gostatic resolve -f …`: every distinct gostatic:// reference in the YAML is
// built once (as one workspace, in parallel), pushed to the default
// repository, and replaced by its repo@sha256 digest; the YAML is printed
// with nothing else changed. `gostatic apply` hands that YAML to kubectl.
import { spawn } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { ErrorCode, GostaticError, isGostaticError } from '../../errors.js'
import type { ResolveFlags } from '../parse-cli.js'
import {
  buildWorkspace,
  createReporter,
  digestRef,
  goService,
  pushTargets,
  type GoService,
  type ServiceBuild,
} from '../../index.js'
import { applyFlags } from '../services-from-flags.js'
import { internalFailure } from '../../util/internal-failure.js'
import { which } from '../../util/run-tool.js'
import { formatError } from '../main.js'
import { findRefs, joinManifests, replaceRefs, type ManifestRef } from '../resolve/manifest-refs.js'
import { readManifests } from '../resolve/read-manifests.js'
import { locateTarget, modulesHere, serviceNames, type RefTarget } from '../resolve/ref-targets.js'

/** The resolved YAML, or null when a build or push failed (each failure printed on stderr). */
export async function resolveManifests(flags: ResolveFlags, cwd = process.cwd()): Promise<string | null> {
  const manifests = await readManifests(flags.filename)
  const found = manifests.map((m) => ({ m, refs: findRefs(m) }))
  const modules = modulesHere(cwd)
  // Every reference is checked, naming its file and line, before anything is built.
  const byRef = new Map<ManifestRef, RefTarget>()
  for (const { refs } of found) for (const r of refs) byRef.set(r, locateTarget(r, cwd, modules))
  const targets = [...new Map([...byRef.values()].map((t) => [t.folder, t])).values()]
  const names = serviceNames(targets, cwd)
  const services = targets.map((t) =>
    applyFlags(goService({ name: names.get(t.folder)!, source: t.moduleRoot, main: t.main }), flags),
  )
  const digests = targets.length === 0 ? new Map<string, string>() : await buildAndPush(flags, services, targets, names)
  if (digests === null) return null
  const texts = found.map(({ m, refs }) => replaceRefs(m, refs, (r) => digests.get(byRef.get(r)!.folder)!))
  return joinManifests(texts)
}

/** Each folder's pushed repo@sha256, or null when any service failed. */
async function buildAndPush(
  flags: ResolveFlags,
  services: GoService[],
  targets: RefTarget[],
  names: Map<string, string>,
) {
  const pushTo = await pushTargets({ push: true, tag: flags.tag }, services, undefined)
  const progress = createReporter(
    { reporter: flags.reporter ?? 'auto' },
    services.map((s) => s.name),
  )
  const pushed = new Map<string, string>()
  const failures: [string, GostaticError][] = []
  const work: Promise<void>[] = []
  const publish = async (b: ServiceBuild) => {
    try {
      if (!b.ok) throw b.error
      let ref = ''
      for (const target of pushTo.get(b.name)!) ref ||= await b.result.publish(target)
      pushed.set(b.name, digestRef(ref))
      progress.done(b.name, { ok: true, detail: `pushed ${digestRef(ref)}` })
    } catch (e) {
      const err = isGostaticError(e) ? e : internalFailure(e, `pushing ${b.name}`)
      failures.push([b.name, err])
      progress.done(b.name, { ok: false, error: err.code })
    }
  }
  const roots = [...new Set(targets.map((t) => t.moduleRoot))].sort()
  try {
    await buildWorkspace(
      { root: roots[0]!, workModules: null, modules: roots, services, vendor: false },
      {
        engine: flags.engine,
        ...(flags.signKey !== undefined ? { sign: { key: flags.signKey } } : {}),
        concurrency: flags.concurrency ?? availableParallelism(),
        onEvent: progress.onEvent,
        onServiceDone: (b) => void work.push(publish(b)),
      },
    )
    await Promise.all(work)
  } finally {
    await progress.close()
  }
  for (const [name, err] of failures) process.stderr.write(`\n${name}: ${formatError(err)}`)
  if (failures.length > 0) return null
  return new Map(targets.map((t) => [t.folder, pushed.get(names.get(t.folder)!)!]))
}

export async function resolveCommand(flags: ResolveFlags): Promise<number> {
  const yaml = await resolveManifests(flags)
  if (yaml === null) return 1
  process.stdout.write(yaml)
  return 0
}

/** `gostatic apply`: resolve, then `kubectl apply -f -` with the YAML on its stdin. */
export async function applyCommand(flags: ResolveFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Before minutes of building: apply without kubectl can only fail.
  if (which('kubectl', env) === undefined)
    throw new GostaticError(
      ErrorCode.TOOL_MISSING,
      'gostatic apply runs kubectl apply -f -, and kubectl is not on PATH',
      {
        hint: 'install kubectl, or run gostatic resolve -f … > resolved.yaml and apply it where kubectl is',
      },
    )
  const yaml = await resolveManifests(flags)
  if (yaml === null) return 1
  const child = spawn('kubectl', ['apply', '-f', '-'], { env, stdio: ['pipe', 'inherit', 'inherit'] })
  const done = new Promise<number>((res, rej) => {
    child.on('error', rej)
    child.on('close', (code, signal) => res(code ?? (signal ? 1 : 0)))
  })
  child.stdin.on('error', () => undefined) // kubectl exiting early is reported by its exit status
  child.stdin.end(yaml)
  return done
}
