// `go list -deps -json` for one cgo setting: the package graph the Go tool
// would build, with the fields the doctor reads. Go's own output is the
// boundary, so it goes through zod like any other input.
import { z } from 'zod'
import { ErrorCode, GostaticError, ToolError } from '../errors.js'
import { runTool } from '../util/run-tool.js'
import { splitJsonStream } from '../util/json-stream.js'

export const GoListPackageSchema = z.object({
  ImportPath: z.string(),
  Dir: z.string().optional(),
  Standard: z.boolean().default(false),
  /** false (omitted) for the packages the pattern named, true for their dependencies. */
  DepOnly: z.boolean().default(false),
  GoFiles: z.array(z.string()).default([]),
  CgoFiles: z.array(z.string()).default([]),
  Imports: z.array(z.string()).default([]),
  Module: z.object({ Path: z.string(), Version: z.string().optional(), Main: z.boolean().default(false) }).optional(),
  Error: z.object({ Err: z.string() }).optional(),
})
export type GoListPackage = z.infer<typeof GoListPackageSchema>

const FIELDS = Object.keys(GoListPackageSchema.shape).join(',')

export interface GoListRequest {
  readonly dir: string
  readonly patterns: readonly string[]
  readonly cgo: boolean
  readonly goos: string
  readonly goarch: string
  readonly tags: readonly string[]
  readonly env: NodeJS.ProcessEnv
  readonly signal?: AbortSignal
}

/** The packages `go build` would compile, by import path, in go list's (dependency-first) order. */
export async function goListDeps(req: GoListRequest): Promise<Map<string, GoListPackage>> {
  // -e puts a package's error in its JSON instead of failing the whole list:
  // a package that cannot build without cgo is a finding, not a crash.
  const args = [
    'list',
    '-e',
    '-deps',
    `-json=${FIELDS}`,
    ...(req.tags.length ? ['-tags', req.tags.join(',')] : []),
    ...req.patterns,
  ]
  const env = { ...req.env, CGO_ENABLED: req.cgo ? '1' : '0', GOOS: req.goos, GOARCH: req.goarch }
  const r = await runTool('go', args, { cwd: req.dir, env, ...(req.signal ? { signal: req.signal } : {}) })
  if (r.exitCode !== 0) {
    const err = r.stderr.trim()
    if (/go\.mod file not found|cannot find main module/.test(err))
      throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `${req.dir} is not in a Go module: ${err}`, {
        hint: 'run gostatic doctor in the folder holding go.mod (go mod init creates one)',
      })
    throw new ToolError(
      ErrorCode.TOOL_FAILED,
      `go list failed with CGO_ENABLED=${req.cgo ? 1 : 0} in ${req.dir}:\n${err}`,
      r,
    )
  }
  const out = new Map<string, GoListPackage>()
  for (const raw of splitJsonStream(r.stdout)) {
    const p = GoListPackageSchema.safeParse(JSON.parse(raw))
    if (!p.success)
      throw new GostaticError(ErrorCode.TOOL_FAILED, `unexpected go list output:\n${z.prettifyError(p.error)}`)
    out.set(p.data.ImportPath, p.data)
  }
  return out
}
