// BuildPlan → the builder stage as Dagger containers. Translation only: the
// env, args, strip candidates and UPX flags all come from the plan.
import { readFileSync } from 'node:fs'
import type { Client, Container, Directory } from '@dagger.io/dagger'
import { ErrorCode, GostaticError } from '../../errors.js'
import type { BuildPlan, Step, TargetPlan } from '../../plan/build-plan.js'
import { shJoin, shq } from '../../util/shell-quote.js'

export const OUT = '/out'

/** The builder with module cache, build cache, secrets and sources in place, before any target is built. */
export function preparedBuilder(dag: Client, plan: BuildPlan, source: Directory, env: NodeJS.ProcessEnv, cacheKey = 'gostatic'): Container {
  const ver = plan.go.version ?? 'default'
  let c = dag
    .container()
    .from(plan.go.builderImage)
    .withMountedCache('/go/pkg/mod', dag.cacheVolume(`${cacheKey}-gomod-${ver}`))
    .withMountedCache('/root/.cache/go-build', dag.cacheVolume(`${cacheKey}-gobuild-${ver}`))
  const pk = plan.go.builderPackages
  if (pk.names.length) {
    // Install only what the image lacks: pipeline containers may have no network.
    const tools = pk.names.map((n) => (n.startsWith('upx') ? 'upx' : 'strip'))
    const install = pk.manager === 'apk' ? `apk add --no-cache ${pk.names.join(' ')}` : `apt-get update && apt-get install -y --no-install-recommends ${pk.names.join(' ')}`
    c = c.withExec(['sh', '-c', `${tools.map((t) => `command -v ${t} >/dev/null`).join(' && ')} || (${install})`])
  }
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

export interface TargetBuild {
  /** After go build (and strip): the binary verification reads. */
  readonly built: Container
  /** After UPX when the plan packs; else the same as built. */
  readonly final: Container
  readonly out: string
}

export function targetBuild(base: Container, t: TargetPlan, canRun: boolean): TargetBuild {
  const out = `${OUT}/${t.output}`
  let c = base
  for (const [k, v] of Object.entries(t.env)) c = c.withEnvVariable(k, v)
  c = c.withExec(['go', ...t.goArgs, '-o', out, t.package])
  if (t.strip) {
    const s = t.strip
    c = c.withExec(['sh', '-c', `for s in ${s.candidates.join(' ')}; do if command -v "$s" >/dev/null && "$s" ${shJoin(s.args)} ${out} 2>/dev/null; then exit 0; fi; done; echo ${shq(`warning: ${s.skipWarning}`)} >&2`])
  }
  if (t.upx.kind !== 'pack') return { built: c, final: c, out }
  const u = t.upx
  let packed = c.withExec(['upx', ...u.args, '-o', `${out}.upx`, out]).withExec(['upx', ...u.testArgs, `${out}.upx`])
  if (u.smoke !== false && canRun) {
    let smoke = packed
    for (let i = 0; i < u.smokeEnvSize; i++) smoke = smoke.withEnvVariable(`GOSTATIC_SMOKE_${i}`, `value-${i}-${'x'.repeat(32)}`)
    packed = smoke.withExec([`${out}.upx`, ...u.smoke])
  }
  return { built: c, final: packed.withExec(['mv', `${out}.upx`, out]), out }
}

function secretValue(id: string, from: { env: string } | { file: string }, env: NodeJS.ProcessEnv): string {
  if ('env' in from) {
    const v = env[from.env]
    if (v === undefined) throw new GostaticError(ErrorCode.INVALID_CONFIG, `secret '${id}': environment variable ${from.env} is not set`, { hint: `export ${from.env}=... before building` })
    return v
  }
  try {
    return readFileSync(from.file.replace(/^~(?=\/)/, env['HOME'] ?? '~'), 'utf8')
  } catch {
    throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `secret '${id}': cannot read ${from.file}`)
  }
}
