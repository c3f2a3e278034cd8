// BuildPlan → the builder stage as Dagger containers. Translation only: the
// env, args and builder tools come from the plan, the shell text from the
// same module the Dockerfile renderer uses.
import type { Client, Container, Directory } from '@dagger.io/dagger'
import type { BuildPlan, Step, TargetPlan } from '../../plan/build-plan.js'
import { installLine } from '../../render/builder-shell.js'
import { secretValue } from '../secret-value.js'

export const OUT = '/out'

/** The builder with module cache, build cache, secrets and sources in place, before any target is built. */
export function preparedBuilder(dag: Client, plan: BuildPlan, source: Directory, env: NodeJS.ProcessEnv, cacheKey = 'gostatic'): Container {
  const ver = plan.go.version ?? 'default'
  let c = dag
    .container()
    .from(plan.go.builderImage)
    .withMountedCache('/go/pkg/mod', dag.cacheVolume(`${cacheKey}-gomod-${ver}`))
    .withMountedCache('/root/.cache/go-build', dag.cacheVolume(`${cacheKey}-gobuild-${ver}`))
  const install = installLine(plan.go.builderTools)
  if (install) c = c.withExec(['sh', '-c', install])
  for (const s of plan.secrets) {
    const secret = dag.setSecret(`gostatic-${plan.service}-${s.id}`, secretValue(s.id, s.from, env))
    c = 'env' in s.as ? c.withSecretVariable(s.as.env, secret) : c.withMountedSecret(s.as.file, secret)
  }
  c = c.withWorkdir('/src')
  const byKind = <K extends Step['kind']>(k: K) => plan.steps.find((s): s is Extract<Step, { kind: K }> => s.kind === k)
  const modFiles = byKind('copy-module-files')
  if (modFiles) c = c.withDirectory('/src', source, { include: [...modFiles.files, ...modFiles.optional] })
  // Module-level env (GOFLAGS, GOPRIVATE) applies to the download as to the build.
  const t0 = plan.targets[0]!
  for (const [k, v] of Object.entries(t0.env)) if (k !== 'GOOS' && k !== 'GOARCH' && k !== 'GOARM') c = c.withEnvVariable(k, v)
  const dl = byKind('mod-download')
  if (dl) c = c.withExec(['go', ...dl.args])
  const src = byKind('copy-sources')
  if (src) c = c.withDirectory('/src', source, { ...(src.include.length ? { include: [...(modFiles ? [...modFiles.files, ...modFiles.optional] : []), ...src.include] } : {}), exclude: [...src.exclude] })
  return c
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
