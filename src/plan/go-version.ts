// Which Go builds a service: the spec's .go(), else the module's toolchain
// line, else its go line, else whatever the host (or default builder image)
// has. Pure: the module facts were read before planning.
import type { ServiceSpec } from '../spec/service-spec.js'
import type { ModuleFacts } from '../spec/module-facts.js'
import type { GoVersionSource } from './build-plan.js'

/** The oldest Go whose binaries carry the build info verify reads; the spec refuses older. */
export const OLDEST_VERIFIABLE_GO = '1.18'

export interface GoVersionChoice {
  readonly version: string | null
  readonly toolchain: string | null
  readonly from: GoVersionSource
}

export function chooseGoVersion(spec: ServiceSpec, facts: ModuleFacts | null): GoVersionChoice {
  if (spec.go !== undefined) return { version: spec.go, toolchain: toolchainName(spec.go), from: { kind: 'spec' } }
  const go = facts?.go ?? null
  const tc = facts?.toolchain ?? null
  // As go does, a toolchain line older than the go line loses to it.
  if (facts && tc && (go === null || compareGo(tc.version, go.version) >= 0))
    return {
      version: tc.version,
      toolchain: tc.name,
      from: { kind: 'toolchain-line', file: facts.file, line: tc.line },
    }
  if (facts && go && compareGo(go.version, OLDEST_VERIFIABLE_GO) >= 0)
    return {
      version: go.version,
      toolchain: toolchainName(go.version),
      from: { kind: 'go-line', file: facts.file, line: go.line },
    }
  return { version: null, toolchain: null, from: { kind: 'host' } }
}

/**
 * The toolchain that provides a version. From Go 1.21 on a bare language
 * version names no release (go1.23 is not one, go1.23.0 is), so the first
 * release of it is meant, as the go command does for a go line.
 */
export function toolchainName(version: string): string {
  return `go${/^1\.\d+$/.test(version) && compareGo(version, '1.21') >= 0 ? `${version}.0` : version}`
}

/** Compares Go versions like '1.26.8', '1.23', '1.24rc1'. Missing patch = .0; rc/beta sort before the release. */
export function compareGo(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?/.exec(v.replace(/^go/, ''))
    if (!m) return [0, 0, 0, 0]
    const pre = m[4] === undefined ? 1000 : m[4] === 'rc' ? 500 + Number(m[5]) : Number(m[5])
    return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0), pre]
  }
  const x = parse(a)
  const y = parse(b)
  for (let i = 0; i < 4; i++) if (x[i]! !== y[i]!) return x[i]! - y[i]!
  return 0
}
