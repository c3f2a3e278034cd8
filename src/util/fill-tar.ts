// Feeds a tar-stream pack and waits for its pipeline; a failure while filling
// tears the pipeline down so no half-written output is mistaken for whole.
import type * as tar from 'tar-stream'

export async function fillTar(pack: tar.Pack, done: Promise<void>, fill: (pack: tar.Pack) => Promise<void>): Promise<void> {
  try {
    await fill(pack)
    pack.finalize()
  } catch (err) {
    pack.destroy(err instanceof Error ? err : new Error(String(err)))
    await done.catch(() => undefined)
    throw err
  }
  await done
}
