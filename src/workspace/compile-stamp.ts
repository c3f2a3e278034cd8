// The inputs of a workspace's shared compile, as one digest: the Go
// toolchain and its env, the flags, the packages, and every package of their
// `go list -deps` closure (a module-cache package by its versioned folder,
// which go never rewrites; any other by the content of its files). When a
// compile with the same digest succeeded before, it is skipped. Skipping is
// only ever a time question: each service's own go build still runs and
// rebuilds whatever is stale, so a wrong stamp cannot make a wrong image.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join, sep } from 'node:path'
import { z } from 'zod'
import { runTool } from '../util/run-tool.js'
import { splitJsonStream } from '../util/json-stream.js'
import { FILE_FIELDS, listFlagsOf } from './service-closure.js'

const BUILT_FIELDS = FILE_FIELDS.filter((f) => !f.startsWith('Ignored'))
const PkgSchema = z.object({
  Dir: z.string().default(''),
  ImportPath: z.string(),
  Standard: z.boolean().default(false),
  Error: z.object({ Err: z.string() }).nullish(),
  ...Object.fromEntries(BUILT_FIELDS.map((f) => [f, z.array(z.string()).nullish()])),
})
const GoEnvSchema = z.object({ GOVERSION: z.string(), GOROOT: z.string(), GOMODCACHE: z.string(), GOCACHE: z.string() })

export interface CompileInputs {
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
  readonly args: readonly string[]
  readonly packages: readonly string[]
}

/** The digest of what the compile reads, or null when go cannot say (then the compile just runs). */
export async function compileDigest(c: CompileInputs, signal?: AbortSignal): Promise<string | null> {
  const opts = { cwd: c.cwd, env: c.env, ...(signal ? { signal } : {}) }
  const envRun = await runTool('go', ['env', '-json', ...Object.keys(GoEnvSchema.shape)], opts)
  const goEnv = envRun.exitCode === 0 ? GoEnvSchema.safeParse(JSON.parse(envRun.stdout)) : null
  if (!goEnv?.success) return null
  const fields = Object.keys(PkgSchema.shape).join(',')
  const args = ['list', '-e', '-deps', `-json=${fields}`, ...listFlagsOf(c.args), ...c.packages]
  const list = await runTool('go', args, opts)
  if (list.exitCode !== 0) return null
  const h = createHash('sha256')
  // GOTMPDIR is a fresh folder each run and shapes no output.
  const shapes = (k: string) => (k.startsWith('GO') || k.startsWith('CGO_') || k === 'CC') && k !== 'GOTMPDIR'
  const env = Object.entries(c.env).filter(([k]) => shapes(k))
  h.update(JSON.stringify([goEnv.data, env.sort(), c.args, c.packages]))
  const cache = goEnv.data.GOMODCACHE + sep
  for (const raw of splitJsonStream(list.stdout)) {
    const p = PkgSchema.safeParse(JSON.parse(raw))
    if (!p.success || p.data.Error) return null
    if (p.data.Standard) continue
    h.update(`\0${p.data.ImportPath}\0${p.data.Dir}`)
    if (p.data.Dir.startsWith(cache)) continue
    const data = p.data as Record<string, unknown>
    for (const f of BUILT_FIELDS.flatMap((k) => (data[k] as string[] | null | undefined) ?? []).sort()) {
      h.update(`\0${f}\0`)
      h.update(
        createHash('sha256')
          .update(await readFile(join(p.data.Dir, f)))
          .digest('hex'),
      )
    }
  }
  return h.digest('hex')
}

const stampPath = (dir: string, digest: string) => join(dir, 'workspace-compile', digest)

export function compiledBefore(dir: string | null, digest: string | null): boolean {
  return dir !== null && digest !== null && existsSync(stampPath(dir, digest))
}

/** Best effort: a stamp that cannot be written costs the next run a compile, nothing more. */
export async function markCompiled(dir: string | null, digest: string | null): Promise<void> {
  if (dir === null || digest === null) return
  const path = stampPath(dir, digest)
  try {
    await mkdir(join(dir, 'workspace-compile'), { recursive: true })
    await writeFile(`${path}.${process.pid}.tmp`, `${new Date().toISOString()}\n`)
    await rename(`${path}.${process.pid}.tmp`, path)
  } catch {
    // a read-only cache folder: the next run compiles again
  }
}
