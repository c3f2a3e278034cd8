// BuildPlan → the builder stage as Dagger containers. Translation only: the
// env, args and builder tools come from the plan, the shell text from the
// same module the Dockerfile renderer uses. The plan's steps add module
// files, the download and the sources (dagger-steps.ts); this is what they
// start from.
import type { Client, Container } from '@dagger.io/dagger'
import type { BuildPlan, TargetPlan } from '../../plan/build-plan.js'
import { installLine } from '../../render/builder-shell.js'
import { secretValue } from '../../toolchain/secret-value.js'

export const OUT = '/out'

/** The builder image with module and build caches, the plan's tools, secrets and module-wide env, working in /src. */
export function builderBase(dag: Client, plan: BuildPlan, env: NodeJS.ProcessEnv, cacheKey = 'gostatic'): Container {
  const ver = plan.go.version ?? 'default'
  let c = dag
    .container()
    .from(plan.go.builderImage)
    .withMountedCache('/go/pkg/mod', dag.cacheVolume(`${cacheKey}-gomod-${ver}`))
    .withMountedCache('/root/.cache/go-build', dag.cacheVolume(`${cacheKey}-gobuild-${ver}`))
  // Tools only the Dockerfile runs (readelf, unzip) do in-process work here: not installed.
  const tools = plan.go.builderTools
  const install = installLine({ ...tools, tools: tools.tools.filter((t) => t.dockerfileOnly !== true) })
  if (install) c = c.withExec(['sh', '-c', install])
  // A cgo toolchain's cache (zig builds musl once) lives in a volume, like Go's.
  const zig = plan.go.cgo?.cache
  if (zig) {
    c = c.withMountedCache(zig.builderPath, dag.cacheVolume(`${cacheKey}-${zig.name}`))
    for (const k of zig.env) c = c.withEnvVariable(k, zig.builderPath)
  }
  for (const s of plan.secrets) {
    const secret = dag.setSecret(`gostatic-${plan.service}-${s.id}`, secretValue(s.id, s.from, env))
    c = 'env' in s.as ? c.withSecretVariable(s.as.env, secret) : c.withMountedSecret(s.as.file, secret)
  }
  // The plan's module-wide env (GOFLAGS, GOPRIVATE) applies to the download
  // as to the build; each target adds its own GOOS/GOARCH.
  for (const [k, v] of Object.entries(plan.go.moduleEnv)) c = c.withEnvVariable(k, v)
  return c.withWorkdir('/src')
}

/** The builder after `go build` for one target; the binary is at outPath(t). */
export function compiled(base: Container, t: TargetPlan): Container {
  let c = base
  for (const [k, v] of Object.entries(t.env)) c = c.withEnvVariable(k, v)
  return c.withExec(['go', ...t.goArgs, '-o', outPath(t), t.package])
}

export function outPath(t: TargetPlan): string {
  return `${OUT}/${t.output}`
}
