// A throwaway OCI archive for publish() and load(): written to a private
// temp folder, used, and removed whatever happens.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { makeTempDir, tempWriteError } from '../util/temp-dir.js'

export async function withTempArchive<T>(
  service: string,
  write: (path: string) => Promise<unknown>,
  use: (path: string) => Promise<T>,
): Promise<T> {
  const dir = await makeTempDir(`gostatic-${service}-out-`)
  try {
    const path = join(dir, `${service}.tar`)
    await write(path).catch((e: unknown) => Promise.reject(tempWriteError(e)))
    return await use(path)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
