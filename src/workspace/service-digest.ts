// The inputs of each service's go build, as one digest per service, asked of
// go once for the whole workspace: the plan (spec, flags, targets, Go
// version), the host Go and its env, and every package of the service's
// `go list -deps` closure (a module-cache package by its versioned folder,
// which go never rewrites; any other by the content of each file go
// considered, embedded files included), plus go.mod, go.sum, go.work and
// the main package's default.pgo.
// The same input set `gostatic affected` compares. A local build given its
// digest reuses the output its last build with that digest left, after
// re-hashing it against its records (engines/local/go-output-cache.ts).
import { createHash } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'
import { z } from 'zod'
import type { BuildPlan } from '../plan/build-plan.js'
import { buildHostEnv } from '../toolchain/host-env.js'
import { runTool } from '../util/run-tool.js'
import { serviceClosures } from './service-closure.js'

const GoEnvSchema = z.object({ GOVERSION: z.string(), GOROOT: z.string(), GOMODCACHE: z.string() })
const MODULE_FILES = ['go.mod', 'go.sum', 'go.work', 'go.work.sum', 'vendor/modules.txt']

/**
 * One digest per plan, in order; null where the inputs cannot be known for sure (a plan that does not plan, a
 * package go cannot load, a cgo build, whose C toolchain go does not report), and for all when go cannot be asked.
 */
export async function serviceDigests(
  plans: readonly (BuildPlan | null)[],
  hostEnv: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<(string | null)[]> {
  const none = plans.map(() => null)
  const pure = plans.map((p) => (p === null || p.go.cgo !== null ? null : p))
  if (pure.every((p) => p === null)) return none
  const env = { ...buildHostEnv(hostEnv), GOTOOLCHAIN: hostEnv['GOTOOLCHAIN'] ?? 'auto' }
  const opts = { cwd: pure.find((p) => p !== null)!.source.dir, env, ...(signal ? { signal } : {}) }
  const envRun = await runTool('go', ['env', '-json', ...Object.keys(GoEnvSchema.shape)], opts)
  const goEnv = envRun.exitCode === 0 ? GoEnvSchema.safeParse(JSON.parse(envRun.stdout)) : null
  if (!goEnv?.success) return none
  let closures: Awaited<ReturnType<typeof serviceClosures>>
  try {
    closures = await serviceClosures(pure, hostEnv, signal)
  } catch {
    return none // each build asks go itself, and reports what it says
  }
  // GOTMPDIR is a fresh folder each run and shapes no output.
  const shapes = (k: string) => (k.startsWith('GO') || k.startsWith('CGO_') || k === 'CC') && k !== 'GOTMPDIR'
  const hostGo = Object.entries(hostEnv)
    .filter(([k]) => shapes(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  // Closure folders are real paths.
  const cache = realOrAsIs(goEnv.data.GOMODCACHE) + sep
  const files = new Map<string, Promise<string>>()
  const fileHash = (f: string) => {
    let h = files.get(f)
    if (h === undefined) {
      h = readFile(f).then(
        (b) => createHash('sha256').update(b).digest('hex'),
        () => 'absent',
      )
      files.set(f, h)
    }
    return h
  }
  return Promise.all(
    pure.map(async (p, i) => {
      const closure = closures[i]
      if (p === null || !closure || closure.some((c) => c.error !== null)) return null
      const h = createHash('sha256')
      h.update(JSON.stringify([p, goEnv.data, hostGo]))
      for (const f of MODULE_FILES) h.update(`\0${f}\0${await fileHash(join(p.source.dir, f))}`)
      // -pgo=auto (go's default) reads the main package's default.pgo, a file go list does not report.
      for (const pkg of [...p.targets.map((t) => t.package), ...p.binaries.map((b) => b.package)]) {
        const pgo = resolve(p.source.dir, pkg, 'default.pgo')
        h.update(`\0${pgo}\0${await fileHash(pgo)}`)
      }
      const pkgs = [...closure].sort((a, b) => (a.importPath < b.importPath ? -1 : 1))
      for (const c of pkgs) {
        h.update(`\0pkg\0${c.importPath}\0${c.dir}`)
        if ((c.dir + sep).startsWith(cache)) continue
        for (const f of [...c.files].sort()) h.update(`\0${f}\0${await fileHash(f)}`)
      }
      return h.digest('hex')
    }),
  )
}

function realOrAsIs(p: string): string {
  try {
    return realpathSync(p)
  } catch {
    return p
  }
}
