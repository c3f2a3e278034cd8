// Strip and UPX are pure functions of the binary, the tool and its flags.
// A warm rebuild whose go build produced the same bytes reuses their result
// (UPX --best takes seconds) instead of running them again. Only successful
// outcomes are kept; the cached binary is re-hashed before use.
import { createHash } from 'node:crypto'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CACHE_HINT, writeCacheFile } from '../../oci/cache-dir.js'
import { which } from '../../util/run-tool.js'
import { hashed, readBinary, type BinaryBytes } from './binary-bytes.js'
import { outputError } from '../../util/atomic-write.js'

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex')

/** What identifies a tool build: its path, size and mtime (a new package version changes them). */
export async function toolIdentity(names: readonly string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  const ids: string[] = []
  for (const n of names) {
    const p = which(n, env)
    if (!p) {
      ids.push(`${n}:absent`)
      continue
    }
    const s = await stat(p)
    ids.push(`${n}:${p}:${s.size}:${s.mtimeMs}`)
  }
  return ids
}

/** A step's outcome, and the bytes it left at the path when it already holds them. */
export type StepRun<T> = { outcome: T; output?: Buffer }

/**
 * Runs `step` on the binary at `path` (which it may rewrite in place), or
 * restores the result an earlier run had for the same input bytes and recipe.
 * `input` is what the path holds now; the result carries what it holds after.
 */
export async function memoStep<T>(
  cacheDir: string | null,
  recipe: unknown,
  path: string,
  input: BinaryBytes,
  step: () => Promise<StepRun<T>>,
): Promise<{ outcome: T; cached: boolean; output: BinaryBytes }> {
  const run = async () => {
    const r = await step()
    return { outcome: r.outcome, output: r.output ? hashed(r.output) : await readBinary(path) }
  }
  if (cacheDir === null) return { ...(await run()), cached: false }
  const key = sha256(JSON.stringify(recipe) + '\n' + input.sha256)
  const base = join(cacheDir, 'steps', key)
  const hit = await cached<T>(base)
  if (hit !== null) {
    // Outside the lookup's catch: a failed restore must stop the build, not run the step on a torn file.
    await writeFile(path, hit.output.bytes).catch((e: unknown) => {
      throw outputError(path, e, CACHE_HINT)
    })
    return { ...hit, cached: true }
  }
  const { outcome, output } = await run()
  await writeCacheFile(`${base}.bin`, output.bytes)
  await writeCacheFile(`${base}.json`, Buffer.from(JSON.stringify({ outcome, sha256: output.sha256 })))
  return { outcome, cached: false, output }
}

/** The entry an earlier run left for this key, when it is whole (its output re-hashed); else null. */
async function cached<T>(base: string): Promise<{ outcome: T; output: BinaryBytes } | null> {
  try {
    const meta = JSON.parse(await readFile(`${base}.json`, 'utf8')) as { outcome: T; sha256: string }
    const output = hashed(await readFile(`${base}.bin`))
    return output.sha256 === meta.sha256 ? { outcome: meta.outcome, output } : null
  } catch {
    return null // not cached (or damaged): run the step
  }
}
