// What a module's go.mod (or the go.work that governs it) says about the Go
// version. Read from disk before planning, so that plan(spec, facts) stays pure.
import { z } from 'zod'
import { ErrorCode, GostaticError } from '../errors.js'

const line = z.int().min(1)

export const ModuleFactsSchema = z.strictObject({
  /** The file the lines come from, relative to the service's source: 'go.mod', or '../go.work' in a workspace. */
  file: z.string().min(1),
  /** The `go` line: the oldest Go that may build the module. */
  go: z.strictObject({ version: z.string().min(1), line }).nullable(),
  /** The `toolchain` line: the Go the module prefers, as a name (go1.27.1) and its version (1.27.1). */
  toolchain: z.strictObject({ name: z.string().min(1), version: z.string().min(1), line }).nullable(),
})

export type ModuleFacts = z.infer<typeof ModuleFactsSchema>

export function parseModuleFacts(input: unknown): ModuleFacts {
  const r = ModuleFactsSchema.safeParse(input)
  if (r.success) return r.data
  throw new GostaticError(ErrorCode.INVALID_SPEC, `invalid module facts:\n${z.prettifyError(r.error)}`)
}
