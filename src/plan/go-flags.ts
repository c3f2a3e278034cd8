// The one place that decides Go build env and flags.
import type { ServiceSpec } from '../spec/service-spec.js'
import { platformInfo, type Platform } from '../spec/platform.js'
import { sortedEntries, sortKeys } from '../util/sorted.js'
import type { CgoPlan } from './build-plan.js'
import { cgoCompilers, cgoLinkFlags, cgoTags } from './cgo-plan.js'
import { cgoCFlags } from './cgo-cflags.js'

export function buildEnv(spec: ServiceSpec, platform: Platform, cgo: CgoPlan | null): Record<string, string> {
  const info = platformInfo(platform)
  const env: Record<string, string> = { ...moduleEnv(spec), GOOS: info.os, GOARCH: info.goarch }
  if (cgo !== null) Object.assign(env, cgoCompilers(cgo, platform), cgoCFlags(cgo, spec.env))
  if (info.goarm !== undefined) env['GOARM'] = info.goarm
  return sortKeys(env)
}

/** The env every go command of the service gets; a build adds the target's GOOS/GOARCH/GOARM. */
export function moduleEnv(spec: ServiceSpec): Record<string, string> {
  const env: Record<string, string> = { ...spec.env, CGO_ENABLED: spec.cgo === undefined ? '0' : '1' }
  if (spec.mod !== undefined) env['GOFLAGS'] = `-mod=${spec.mod}`
  if (spec.goPrivate.length > 0) env['GOPRIVATE'] = spec.goPrivate.join(',')
  return sortKeys(env)
}

/** Tags the user asked for plus the ones the plan's needs add, sorted and unique. */
export function buildTags(spec: ServiceSpec, needTimetzdata: boolean, cgo: CgoPlan | null): string[] {
  const tags = new Set(spec.tags)
  if (needTimetzdata) tags.add('timetzdata')
  if (cgo !== null) for (const t of cgoTags(cgo)) tags.add(t)
  return [...tags].sort()
}

export function ldflags(spec: ServiceSpec, cgo: CgoPlan | null): string {
  // The user's extra flags come last: go's flag parsing lets them override, and verify catches what that breaks.
  const parts = ['-s', '-w', ...(cgo === null ? [] : cgoLinkFlags(cgo))]
  for (const [k, v] of sortedEntries(spec.ldflags.X)) parts.push('-X', quoteLdflag(`${k}=${v}`))
  parts.push(...spec.ldflags.extra)
  return parts.join(' ')
}

export function goArgs(spec: ServiceSpec, tags: readonly string[], cgo: CgoPlan | null): string[] {
  const args = ['build', '-trimpath', '-buildvcs=false']
  if (spec.buildmode === 'pie') args.push('-buildmode=pie')
  if (tags.length > 0) args.push('-tags', tags.join(','))
  args.push('-ldflags', ldflags(spec, cgo))
  return args
}

// cmd/go splits -ldflags with quoted.Split: values with spaces or quotes
// must be quoted, or `-X main.v=a b` turns into a stray `b` argument.
function quoteLdflag(s: string): string {
  if (!/[\s'"]/.test(s)) return s
  return s.includes("'") ? `"${s.replace(/"/g, '\\"')}"` : `'${s}'`
}
