// The facts plan/cgo-only-note.ts reads after a failed CGO_ENABLED=0 build:
// the build's packages as go lists them with cgo on (so CgoFiles is filled),
// and the text of the cgo files of the packages an undefined name points at.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import type { CgoPackage, UndefinedName } from '../plan/cgo-only-note.js'
import { qualifiers } from '../plan/cgo-only-note.js'
import { splitJsonStream } from '../util/json-stream.js'
import type { ToolRun } from '../util/run-tool.js'

const Listed = z.object({
  ImportPath: z.string(),
  Name: z.string().default(''),
  Dir: z.string().default(''),
  DepOnly: z.boolean().default(false),
  CgoFiles: z.array(z.string()).default([]),
  Module: z.object({ Path: z.string() }).optional(),
})

/** Runs go with the build's env plus the given overrides; the engine's runner. */
export type GoRunner = (args: readonly string[], env: Readonly<Record<string, string>>) => Promise<ToolRun>

/** Reads a file of a listed package: on this machine, or inside the engine's builder (Dagger). */
export type TextReader = (path: string) => Promise<string>

const readHost: TextReader = (path) => readFile(path, 'utf8')

/** The cgo packages the names may come from; empty when go list fails (the build's own error stands). */
export async function cgoPackages(
  names: readonly UndefinedName[],
  pkg: string,
  go: GoRunner,
  read: TextReader = readHost,
): Promise<CgoPackage[]> {
  const wanted = qualifiers(names)
  const fields = Object.keys(Listed.shape).join(',')
  const r = await go(['list', '-e', '-deps', `-json=${fields}`, pkg], { CGO_ENABLED: '1' })
  if (r.exitCode !== 0) return []
  const out: CgoPackage[] = []
  for (const raw of splitJsonStream(r.stdout)) {
    const p = Listed.safeParse(JSON.parse(raw))
    if (!p.success || p.data.CgoFiles.length === 0) continue
    const own = !p.data.DepOnly
    if (!wanted.has(p.data.Name) && !(own && wanted.has(null))) continue
    const texts = await Promise.all(p.data.CgoFiles.map((f) => read(join(p.data.Dir, f)).catch(() => '')))
    const module = p.data.Module?.Path ?? null
    out.push({ importPath: p.data.ImportPath, name: p.data.Name, module, own, cgoText: texts.join('\n') })
  }
  return out
}
