// Whether a real Dagger engine is reachable for tests, and the builder image
// the tests use (a Debian stand-in for golang:<ver>-alpine; see scripts/builder-image.sh).
import { existsSync } from 'node:fs'
import { execFileSync } from 'node:child_process'

const required = process.env.GOSTATIC_REQUIRE_TOOLS === '1'

/** Skip reason when no engine is configured or its socket is gone; throws under GOSTATIC_REQUIRE_TOOLS=1. */
export function missingDagger(): string | false {
  const host = process.env['_EXPERIMENTAL_DAGGER_RUNNER_HOST']
  const cli = process.env['_EXPERIMENTAL_DAGGER_CLI_BIN']
  let why: string | undefined
  if (!host || !cli) why = 'no Dagger engine configured (_EXPERIMENTAL_DAGGER_RUNNER_HOST and _EXPERIMENTAL_DAGGER_CLI_BIN; see scripts/dagger-engine.sh env)'
  else if (host.startsWith('unix://') && !existsSync(host.slice(7))) why = `Dagger engine socket ${host.slice(7)} does not exist (scripts/dagger-engine.sh up)`
  else if (!existsSync(cli)) why = `Dagger CLI ${cli} does not exist`
  if (!why) return false
  if (required) throw new Error(`${why} (GOSTATIC_REQUIRE_TOOLS=1 requires it)`)
  console.warn(`skipping: ${why}`)
  return why
}

export function builderImage(): string {
  const v = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim().replace(/^go(\d+\.\d+).*$/, '$1')
  return `${process.env['GOSTATIC_REGISTRY'] ?? '127.0.0.1:5000'}/gostatic/go-builder:${v}`
}

/** The builder image plus zig, for .cgo() builds (scripts/builder-image.sh pushes it). */
export function cgoBuilderImage(): string {
  return builderImage().replace('/gostatic/go-builder:', '/gostatic/go-builder-cgo:')
}

/** The engine shared over TCP (scripts/dagger-engine.sh --tcp up; its `env` exports GOSTATIC_DAGGER_TCP while it runs). */
export function daggerTcpHost(): string | undefined {
  return process.env['GOSTATIC_DAGGER_TCP'] || undefined
}

/** Skip reason when no TCP engine is configured (or no Dagger CLI to reach it); throws under GOSTATIC_REQUIRE_TOOLS=1. */
export function missingDaggerTcp(): string | false {
  const host = daggerTcpHost()
  const cli = process.env['_EXPERIMENTAL_DAGGER_CLI_BIN']
  let why: string | undefined
  if (!host) why = 'no Dagger engine over TCP (GOSTATIC_DAGGER_TCP; scripts/dagger-engine.sh --tcp up, then eval "$(scripts/dagger-engine.sh env)")'
  else if (!host.startsWith('tcp://')) why = `GOSTATIC_DAGGER_TCP=${host} is not a tcp:// address`
  else if (!cli || !existsSync(cli)) why = 'no Dagger CLI (_EXPERIMENTAL_DAGGER_CLI_BIN; see scripts/dagger-engine.sh env)'
  if (!why) return false
  if (required) throw new Error(`${why} (GOSTATIC_REQUIRE_TOOLS=1 requires it)`)
  console.warn(`skipping: ${why}`)
  return why
}
