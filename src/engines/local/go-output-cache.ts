// go build's output is kept in the cache between builds so that go can skip
// the link when the file carries the build ID it would produce. Go compares
// only that ID, near the start of the file: a file damaged further on would
// be reused as is. So each output has a record of its sha256, and before go
// sees the file it must match: else the file goes and go links it again.
import { readFile, rm } from 'node:fs/promises'
import { z } from 'zod'
import { writeCacheFile, type CacheDamage } from '../../oci/cache-dir.js'
import { discardEntry, readRecord, sha256Hex } from '../../oci/cache-entry.js'
import { hashed, type BinaryBytes } from './binary-bytes.js'

const GoOutputRecordSchema = z.object({ key: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })

const recordPath = (out: string) => `${out}.sha256.json`

/** Discards the cached output at `out` unless its bytes are the ones recorded for `key`. */
export async function checkGoOutput(out: string, key: string, onDamage: CacheDamage): Promise<void> {
  const bytes = await readFile(out).catch(() => undefined)
  if (bytes === undefined) return
  const rec = await readRecord(recordPath(out), GoOutputRecordSchema, key)
  const reason =
    rec.kind === 'absent'
      ? 'has no record of its sha256 (a build was stopped while writing it)'
      : rec.kind === 'damaged'
        ? rec.reason
        : sha256Hex(bytes) !== rec.value.sha256
          ? `does not hash to the recorded sha256:${rec.value.sha256}`
          : undefined
  if (reason !== undefined) await discardEntry([out, recordPath(out)], reason, onDamage)
}

/** Records what go left at `out` (the bytes the build copied from it), for the next build's check. */
export async function recordGoOutput(cacheDir: string, out: string, key: string, bin: BinaryBytes): Promise<void> {
  await writeCacheFile(cacheDir, recordPath(out), Buffer.from(JSON.stringify({ key, sha256: bin.sha256 })))
}

// Beside the output, the digest of the inputs it was built from (a workspace build computes one per service,
// workspace/service-digest.ts): a later build with the same digest takes the output without running go at all.
const InputsRecordSchema = z.object({
  key: z.string(),
  inputs: z.string().regex(/^[0-9a-f]{64}$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
})
const inputsPath = (out: string) => `${out}.inputs.json`

/**
 * The output at `out` when it was built from `inputs` and its bytes still hash to both records; else null (after
 * discarding an entry that fails its check, so go rebuilds it).
 */
export async function reusableGoOutput(
  out: string,
  key: string,
  inputs: string,
  onDamage: CacheDamage,
): Promise<BinaryBytes | null> {
  const rec = await readRecord(inputsPath(out), InputsRecordSchema, key)
  if (rec.kind === 'absent') return null
  const all = [out, recordPath(out), inputsPath(out)]
  if (rec.kind === 'damaged') return discardEntry([inputsPath(out)], rec.reason, onDamage).then(() => null)
  if (rec.value.inputs !== inputs) return null
  const bytes = await readFile(out).catch(() => undefined)
  const go = await readRecord(recordPath(out), GoOutputRecordSchema, key)
  const bin = bytes === undefined ? null : hashed(bytes)
  const reason =
    bin === null
      ? 'its recorded output is missing'
      : go.kind !== 'hit'
        ? go.kind === 'damaged'
          ? go.reason
          : 'has no record of its sha256 (a build was stopped while writing it)'
        : bin.sha256 !== rec.value.sha256 || bin.sha256 !== go.value.sha256
          ? `does not hash to the recorded sha256:${rec.value.sha256}`
          : undefined
  if (reason === undefined) return bin
  await discardEntry(all, reason, onDamage)
  return null
}

/** Before go rewrites the output: a build stopped halfway must not leave old inputs beside new bytes. */
export async function forgetInputs(out: string): Promise<void> {
  await rm(inputsPath(out), { force: true })
}

/** Records the inputs the output at `out` was just built from; written after its sha256 record. */
export async function recordInputs(cacheDir: string, out: string, key: string, inputs: string, sha256: string) {
  await writeCacheFile(cacheDir, inputsPath(out), Buffer.from(JSON.stringify({ key, inputs, sha256 })))
}
