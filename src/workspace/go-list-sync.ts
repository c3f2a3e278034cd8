// The go commands workspace discovery asks, run synchronously because a
// workspace resolves inside synchronous builder calls. Go's output is the
// boundary, so it goes through zod.
import { spawnSync } from 'node:child_process'
import { z } from 'zod'
import { ErrorCode, GostaticError, ToolError } from '../errors.js'
import { buildHostEnv } from '../toolchain/host-env.js'
import { splitJsonStream } from '../util/json-stream.js'

const ListedSchema = z.object({
  Dir: z.string().optional(),
  ImportPath: z.string(),
  Name: z.string().default(''),
  Module: z.object({ Dir: z.string().optional() }).optional(),
  Error: z.object({ Err: z.string() }).optional(),
})
export type ListedPackage = z.infer<typeof ListedSchema>

const WorkSchema = z.object({
  Use: z
    .array(z.object({ DiskPath: z.string() }))
    .nullable()
    .default([]),
})

/**
 * Packages as the builds will see them: linux, cgo off, the module's own
 * toolchain (GOTOOLCHAIN=auto lets go switch to what go.mod asks for),
 * -mod=readonly so a stale vendor/ is reported by the build that uses it,
 * not here. -find reads no dependencies, so nothing is downloaded.
 */
export function goListPackages(cwd: string, patterns: readonly string[]): ListedPackage[] {
  const stdout = goSync(['list', '-e', '-find', `-json=${Object.keys(ListedSchema.shape).join(',')}`, ...patterns], cwd)
  return splitJsonStream(stdout).map((raw) => parseGo(ListedSchema, raw, 'go list'))
}

/** The `use` folders of the go.work in `root`, as go reads them. */
export function goWorkUses(root: string): string[] {
  return (parseGo(WorkSchema, goSync(['work', 'edit', '-json'], root), 'go work edit').Use ?? []).map((u) => u.DiskPath)
}

function goSync(args: string[], cwd: string): string {
  const env = {
    ...buildHostEnv(process.env),
    GOTOOLCHAIN: 'auto',
    GOFLAGS: '-mod=readonly',
    CGO_ENABLED: '0',
    GOOS: 'linux',
  }
  const r = spawnSync('go', args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
    throw new GostaticError(
      ErrorCode.TOOL_MISSING,
      'go is not installed or not on PATH: workspace discovery asks go list',
      { hint: 'install Go' },
    )
  if (r.error) throw r.error
  if (r.status !== 0) {
    const run = { cmd: ['go', ...args], exitCode: r.status, stdout: r.stdout, stderr: r.stderr }
    const code = /requires go >=|downloading go1|toolchain/.test(r.stderr)
      ? ErrorCode.GO_VERSION
      : ErrorCode.TOOL_FAILED
    throw new ToolError(
      code,
      `go ${args[0]} ${args[1]} failed in ${cwd} while finding the workspace's services:\n${r.stderr.trim()}`,
      run,
    )
  }
  return r.stdout
}

function parseGo<T>(schema: z.ZodType<T>, raw: string, what: string): T {
  const r = schema.safeParse(JSON.parse(raw))
  if (!r.success)
    throw new GostaticError(ErrorCode.TOOL_FAILED, `unexpected ${what} output:\n${z.prettifyError(r.error)}`)
  return r.data
}
