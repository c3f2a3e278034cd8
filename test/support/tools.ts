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
