// Tests that need an external tool skip with the tool's name when it is
// absent, and fail instead under GOSTATIC_REQUIRE_TOOLS=1 (set by .ci/run).
import { spawnSync } from 'node:child_process'

const required = process.env.GOSTATIC_REQUIRE_TOOLS === '1'

export function hasTool(name: string): boolean {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' })
  return r.status === 0
}

/**
 * Returns a reason string when a test must be skipped, or undefined when all
 * tools are present. Throws under GOSTATIC_REQUIRE_TOOLS=1 instead of skipping.
 * Use: `describe.skipIf(missing('go', 'strip'))(...)`.
 */
export function missing(...names: string[]): string | false {
  const absent = names.filter((n) => !hasTool(n))
  if (absent.length === 0) return false
  const msg = `missing tool(s): ${absent.join(', ')}`
  if (required) throw new Error(`${msg} (GOSTATIC_REQUIRE_TOOLS=1 requires them)`)
  console.warn(`skipping: ${msg}`)
  return msg
}

/** The oldest toolchain the module proxy serves (golang.org/toolchain starts at Go 1.21). */
export const OLD_GO = 'go1.21.13'

/**
 * `missing` for a Go toolchain that GOTOOLCHAIN downloads through the module
 * proxy on first use (about 70 MB for go1.21.13, into the module cache).
 */
export function missingToolchain(name: string): string | false {
  const skip = missing('go')
  if (skip !== false) return skip
  const r = spawnSync('go', ['version'], { env: { ...process.env, GOTOOLCHAIN: name, GOFLAGS: '' }, encoding: 'utf8', timeout: 300_000 })
  if (r.status === 0 && r.stdout.includes(name)) return false
  const msg = `GOTOOLCHAIN=${name} is not available: ${(r.stderr || r.error?.message || '').trim()}`
  if (required) throw new Error(`${msg} (GOSTATIC_REQUIRE_TOOLS=1 requires it)`)
  console.warn(`skipping: ${msg}`)
  return msg
}

/** Where scripts/zig.sh installs the pinned zig. */
const ZIG_SH_INSTALL = '/var/cache/gostatic/ziglang-0.17.1/bin/zig'

/** The zig the .cgo() tests use: $GOSTATIC_ZIG (scripts/zig.sh env), else scripts/zig.sh's install, else zig on PATH. */
export function zigPath(): string | undefined {
  const env = process.env['GOSTATIC_ZIG']
  if (env) return env
  if (spawnSync(ZIG_SH_INSTALL, ['version'], { stdio: 'ignore' }).status === 0) return ZIG_SH_INSTALL
  const r = spawnSync('sh', ['-c', 'command -v zig'], { encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : undefined
}

/** `missing` for zig, found as zigPath() does (scripts/zig.sh install provides it). */
export function missingZig(): string | false {
  if (zigPath() !== undefined) return false
  const msg = 'missing tool(s): zig (scripts/zig.sh install, then eval "$(scripts/zig.sh env)")'
  if (required) throw new Error(`${msg} (GOSTATIC_REQUIRE_TOOLS=1 requires it)`)
  console.warn(`skipping: ${msg}`)
  return msg
}
