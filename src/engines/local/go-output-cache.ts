// go build's output is kept in the cache between builds so that go can skip
// the link when the file carries the build ID it would produce. Go compares
// only that ID, near the start of the file: a file damaged further on would
// be reused as is. So each output has a record of its sha256, and before go
// sees the file it must match: else the file goes and go links it again.
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { writeCacheFile, type CacheDamage } from '../../oci/cache-dir.js'
import { discardEntry, readRecord, sha256Hex } from '../../oci/cache-entry.js'
import type { BinaryBytes } from './binary-bytes.js'

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
