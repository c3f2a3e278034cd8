// vitest globalSetup: compiles src/ into dist/ once per run, so the tests that
// spawn bin/gostatic.js run today's sources, not a stale build. tsc only
// rewrites what it emits (no clean), so a build already there stays usable.
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'

export default function setup(): void {
  const root = resolve(import.meta.dirname, '../..')
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })
}
