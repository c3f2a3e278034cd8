// Strip and UPX are pure functions of the binary, the tool and its flags.
// A warm rebuild whose go build produced the same bytes reuses their result
// (UPX --best takes seconds) instead of running them again. Only successful
// outcomes are kept. A hit is checked before use: its record names its key,
// its output is re-hashed against the record, and a size the outcome states
// must be the output's; anything else discards the entry and runs the step.
import { createHash } from 'node:crypto'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { CACHE_HINT, writeCacheFile, type CacheDamage } from '../../oci/cache-dir.js'
import { discardEntry, readRecord } from '../../oci/cache-entry.js'
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

// The outcome is the step's own type (StripOutcome, UpxOutcome): an object with a kind, and 'after' its output's size.
const OutcomeSchema = z.looseObject({ kind: z.string(), after: z.number().optional() })
const StepRecordSchema = z.object({
  key: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  outcome: OutcomeSchema,
})

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
  onDamage?: CacheDamage,
): Promise<{ outcome: T; cached: boolean; output: BinaryBytes }> {
  const run = async () => {
    const r = await step()
    return { outcome: r.outcome, output: r.output ? hashed(r.output) : await readBinary(path) }
  }
  if (cacheDir === null) return { ...(await run()), cached: false }
  const key = sha256(JSON.stringify(recipe) + '\n' + input.sha256)
  const base = join(cacheDir, 'steps', key)
  const hit = await cached<T>(base, key, onDamage)
  if (hit !== null) {
    // Outside the lookup's catch: a failed restore must stop the build, not run the step on a torn file.
    await writeFile(path, hit.output.bytes).catch((e: unknown) => {
      throw outputError(path, e, CACHE_HINT)
    })
    return { ...hit, cached: true }
  }
  const { outcome, output } = await run()
  // Output first, record last: a crash between them leaves no record, so nothing that looks whole.
  await writeCacheFile(cacheDir, `${base}.bin`, output.bytes)
  await writeCacheFile(cacheDir, `${base}.json`, Buffer.from(JSON.stringify({ key, outcome, sha256: output.sha256 })))
  return { outcome, cached: false, output }
}

type StepRecord = z.infer<typeof StepRecordSchema>
type Entry<T> = { outcome: T; output: BinaryBytes }

/** The entry an earlier run left for this key when it is whole; null (after discarding a damaged one) else. */
async function cached<T>(base: string, key: string, onDamage: CacheDamage | undefined): Promise<Entry<T> | null> {
  const files = [`${base}.json`, `${base}.bin`] as const
  const rec = await readRecord(files[0], StepRecordSchema, key)
  if (rec.kind === 'absent') return null
  const bytes = rec.kind === 'damaged' ? undefined : await readFile(files[1]).catch(() => undefined)
  const got = rec.kind === 'damaged' ? rec.reason : checked<T>(rec.value, bytes)
  if (typeof got !== 'string') return got
  await discardEntry(files, got, onDamage)
  return null
}

/** The entry when its output matches its record; else what is wrong with it. */
function checked<T>(rec: StepRecord, bytes: Buffer | undefined): Entry<T> | string {
  if (bytes === undefined) return 'its output file is missing'
  const output = hashed(bytes)
  if (output.sha256 !== rec.sha256) return `its output does not hash to the recorded sha256:${rec.sha256}`
  const after = rec.outcome.after
  if (after !== undefined && after !== bytes.length)
    return `its output is ${bytes.length} bytes, not the recorded ${after}`
  return { outcome: rec.outcome as T, output }
}
