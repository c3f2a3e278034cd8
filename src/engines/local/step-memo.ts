// Strip and UPX are pure functions of the binary, the tool and its flags.
// A warm rebuild whose go build produced the same bytes reuses their result
// (UPX --best takes seconds) instead of running them again. Only successful
// outcomes are kept; the cached binary is re-hashed before use.
import { createHash } from 'node:crypto'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../../util/atomic-write.js'
import { which } from '../../util/run-tool.js'

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

/**
 * Runs `step` on the binary at `path` (which it may rewrite in place), or
 * restores the result an earlier run had for the same input bytes and recipe.
 */
export async function memoStep<T>(cacheDir: string | null, recipe: unknown, path: string, step: () => Promise<T>): Promise<{ outcome: T; cached: boolean }> {
  if (cacheDir === null) return { outcome: await step(), cached: false }
  const input = await readFile(path)
  const key = sha256(JSON.stringify(recipe) + '\n' + sha256(input))
  const base = join(cacheDir, 'steps', key)
  try {
    const meta = JSON.parse(await readFile(`${base}.json`, 'utf8')) as { outcome: T; sha256: string }
    const bytes = await readFile(`${base}.bin`)
    if (sha256(bytes) === meta.sha256) {
      await writeFile(path, bytes)
      return { outcome: meta.outcome, cached: true }
    }
  } catch {
    // not cached (or damaged): run the step
  }
  const outcome = await step()
  const out = await readFile(path)
  await writeFileAtomic(`${base}.bin`, out)
  await writeFileAtomic(`${base}.json`, Buffer.from(JSON.stringify({ outcome, sha256: sha256(out) })))
  return { outcome, cached: false }
}
