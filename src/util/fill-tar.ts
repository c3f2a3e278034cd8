// Feeds a tar-stream pack and waits for its pipeline. Every failure reaches
// the caller as one rejection: a write that fails (a full disk, a read-only
// folder) tears the pack down, and its entries' own 'error' events are
// listened to, so none of them can crash the process unhandled.
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type * as tar from 'tar-stream'

type EntryHeader = Partial<tar.Header> & Pick<tar.Header, 'name'>

export async function fillTar(pack: tar.Pack, done: Promise<void>, fill: (pack: tar.Pack) => Promise<void>): Promise<void> {
  // The pipeline's failure is the root cause (ENOSPC, EROFS); the entries only
  // see "destroyed". Observe it now so it is never an unhandled rejection.
  let failure: { error: unknown } | undefined
  const settled = done.then(
    () => undefined,
    (error: unknown) => void (failure = { error }),
  )
  const filling = fill(pack)
  filling.catch(() => undefined) // awaited below; a late failure after a pipeline error is expected
  try {
    await Promise.race([filling, settled.then(() => failure && Promise.reject(failure.error))])
    pack.finalize()
  } catch (err) {
    pack.destroy(err instanceof Error ? err : new Error(String(err)))
    await settled
    throw failure ? failure.error : err
  }
  await settled
  if (failure) throw failure.error
}

/** Adds one entry (a file with its bytes, or a directory or link) and resolves once it is in the pack. */
export function tarEntry(pack: tar.Pack, header: EntryHeader, body?: Buffer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cb = (err?: Error | null) => (err ? reject(err) : resolve())
    // The callback gets the entry's error; without a listener, the same error
    // emitted as 'error' on a destroyed pack would crash the process.
    const sink = body === undefined ? pack.entry(header, cb) : pack.entry(header, body, cb)
    sink.on('error', () => undefined)
  })
}

/** Streams one file entry's bytes from `source`. */
export async function tarStreamEntry(pack: tar.Pack, header: EntryHeader, source: Readable): Promise<void> {
  await pipeline(source, pack.entry(header))
}
