// Reads the Go version facts of a service's module once, before planning.
// Like the go command, a go.work governs the modules it covers: its go and
// toolchain lines pick the toolchain, not the module's go.mod.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { goModDirectives } from '../spec/go-mod-directives.js'
import type { ModuleFacts } from '../spec/module-facts.js'

/**
 * The facts for the module in `source`, or null when it has no go.mod (the
 * build reports that). `gowork` is GOWORK as go would see it: 'off', a path,
 * or unset to look for go.work from the source up.
 */
export function readModuleFacts(source: string, gowork: string | undefined): ModuleFacts | null {
  const dir = resolve(source)
  if (!existsSync(join(dir, 'go.mod'))) return null
  const file = goWorkFile(dir, gowork) ?? join(dir, 'go.mod')
  const shown = relative(process.cwd(), file) || file
  return goModDirectives(readFileSync(file, 'utf8'), relative(dir, file), shown)
}

function goWorkFile(dir: string, gowork: string | undefined): string | null {
  if (gowork === 'off') return null
  // go accepts only an absolute GOWORK and ignores one that does not exist yet (for go work init).
  if (gowork) return isAbsolute(gowork) && existsSync(gowork) ? gowork : null
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'go.work'))) return join(d, 'go.work')
    if (dirname(d) === d) return null
  }
}
