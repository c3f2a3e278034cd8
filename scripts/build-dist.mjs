// npm run build: compiles src/ into dist/ (ESM, .d.ts, declaration maps) and
// copies the hand-written declarations (src/**/*.d.ts) that tsc does not emit.
// --keep skips the clean first (the test setup uses it; dist/ may hold other output).
import { execFileSync } from 'node:child_process'
import { cpSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
if (!process.argv.includes('--keep')) rmSync(join(root, 'dist'), { recursive: true, force: true })
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })
const src = join(root, 'src')
for (const e of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!e.isFile() || !e.name.endsWith('.d.ts')) continue
  const from = join(e.parentPath, e.name)
  cpSync(from, join(root, 'dist', relative(src, from)))
}
