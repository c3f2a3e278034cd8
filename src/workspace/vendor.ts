// Vendor mode: `go mod verify` on the module cache, then `go work vendor`
// (workspaces) or `go mod vendor` per module, when vendor/ is missing. An
// existing vendor/ is never silently rewritten: a build against one that is
// out of sync fails, naming the module.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ErrorCode, GostaticError, ToolError } from '../errors.js'
import { runTool } from '../util/run-tool.js'
import { goCommandError } from '../toolchain/go-errors.js'

/** `envFor(dir)` is the env for the commands of the folder that gets vendor/: the go.work root, or a module. */
export async function vendor(
  root: string,
  modules: readonly string[],
  usesWork: boolean,
  envFor: (dir: string) => Promise<NodeJS.ProcessEnv>,
  signal?: AbortSignal,
): Promise<string[]> {
  const did: string[] = []
  const go = async (args: string[], cwd: string, env: NodeJS.ProcessEnv) => {
    const r = await runTool('go', args, { cwd, env, ...(signal ? { signal } : {}) })
    if (r.exitCode !== 0) throw goCommandError(`go ${args.join(' ')} failed in ${cwd}`, r)
    did.push(`go ${args.join(' ')} in ${cwd}`)
  }
  // Verify the cached module zips against go.sum before copying them into vendor/.
  const verifyThenVendor = async (mods: readonly string[], vendorArgs: string[], at: string) => {
    const env = await envFor(at)
    for (const m of mods) await go(['mod', 'verify'], m, env)
    await go(vendorArgs, at, env)
  }
  if (usesWork) {
    if (!existsSync(join(root, 'vendor'))) await verifyThenVendor(modules, ['work', 'vendor'], root)
  } else {
    for (const m of modules) if (!existsSync(join(m, 'vendor'))) await verifyThenVendor([m], ['mod', 'vendor'], m)
  }
  return did
}

/** Turns Go's "inconsistent vendoring" into an error that names the module and the fix. */
export function vendorError(e: unknown, usesWork: boolean): unknown {
  if (!(e instanceof ToolError) || !/inconsistent vendoring/.test(e.stderr)) return e
  const where = /inconsistent vendoring in ([^:\n]+):/.exec(e.stderr)?.[1] ?? 'the workspace'
  const mods = [...e.stderr.matchAll(/^\s+([^\s@]+@[^\s:]+): /gm)].map((m) => m[1]).slice(0, 5)
  return new GostaticError(
    ErrorCode.VENDOR_OUT_OF_SYNC,
    `vendor/ in ${where} is out of sync with go.mod${mods.length ? ` (${mods.join(', ')})` : ''}; gostatic does not ` +
      `re-download behind your back`,
    {
      hint: `run \`${usesWork ? 'go work vendor' : 'go mod vendor'}\` and commit vendor/, then build again`,
      cause: e,
    },
  )
}
