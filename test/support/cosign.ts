// The real cosign for signature tests: $GOSTATIC_COSIGN (scripts/cosign.sh env),
// else the versioned cache scripts/cosign.sh builds, else `cosign` on PATH.
// Absent, a test skips naming it, or fails under GOSTATIC_REQUIRE_TOOLS=1.
import { existsSync } from 'node:fs'
import { hasTool } from './tools.js'

const CACHED = '/var/cache/gostatic/cosign-v2.6.5/bin/cosign'

export function cosignPath(): string | null {
  const env = process.env['GOSTATIC_COSIGN']
  if (env && existsSync(env)) return env
  if (existsSync(CACHED)) return CACHED
  return hasTool('cosign') ? 'cosign' : null
}

export function missingCosign(): string | false {
  if (cosignPath() !== null) return false
  const msg = 'missing tool(s): cosign (build it with scripts/cosign.sh build)'
  if (process.env['GOSTATIC_REQUIRE_TOOLS'] === '1') throw new Error(`${msg} (GOSTATIC_REQUIRE_TOOLS=1 requires it)`)
  console.warn(`skipping: ${msg}`)
  return msg
}
