// vitest globalSetup: compiles src/ into dist/ once per run, so the tests that
// spawn bin/gostatic.js run today's sources, not a stale build. --keep leaves
// what else dist/ holds (an example's archive, say) in place.
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'

export default function setup(): void {
  const root = resolve(import.meta.dirname, '../..')
  execFileSync(process.execPath, ['scripts/build-dist.mjs', '--keep'], { cwd: root, stdio: 'inherit' })
}
