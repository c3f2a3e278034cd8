// A throwaway OCI archive for publish() and load(): written to a private
// temp folder, used, and removed whatever happens.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export async function withTempArchive<T>(service: string, write: (path: string) => Promise<unknown>, use: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `gostatic-${service}-out-`))
  try {
    const path = join(dir, `${service}.tar`)
    await write(path)
    return await use(path)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
