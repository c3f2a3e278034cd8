// The kubeconform scripts/kubeconform.sh builds, with the schemas it makes
// offline: a skip reason when absent (a failure under GOSTATIC_REQUIRE_TOOLS=1).
import { spawnSync } from 'node:child_process'

export function kubeconform(): { bin: string; schemas: string } | undefined {
  const bin = process.env['GOSTATIC_KUBECONFORM']
  const schemas = process.env['GOSTATIC_KUBECONFORM_SCHEMAS']
  if (bin && schemas) return { bin, schemas }
  const r = spawnSync('scripts/kubeconform.sh', ['env'], { encoding: 'utf8' })
  if (r.status !== 0) return undefined
  const get = (k: string) => new RegExp(`^export ${k}='?([^'\\n]*)'?$`, 'm').exec(r.stdout)?.[1]
  const b = get('GOSTATIC_KUBECONFORM')
  const s = get('GOSTATIC_KUBECONFORM_SCHEMAS')
  return b && s ? { bin: b, schemas: s } : undefined
}

export function missingKubeconform(): string | false {
  if (kubeconform() !== undefined) return false
  const msg = 'missing tool(s): kubeconform (scripts/kubeconform.sh build, then eval "$(scripts/kubeconform.sh env)")'
  if (process.env['GOSTATIC_REQUIRE_TOOLS'] === '1') throw new Error(`${msg} (GOSTATIC_REQUIRE_TOOLS=1 requires it)`)
  console.warn(`skipping: ${msg}`)
  return msg
}
