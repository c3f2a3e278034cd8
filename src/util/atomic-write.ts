// Outputs are written to a temp name in the same folder and renamed into
// place only when complete, so a crash never leaves half a file.
import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'

export async function writeFileAtomic(path: string, data: Uint8Array, mode = 0o644): Promise<string> {
  const full = resolve(path)
  await mkdir(dirname(full), { recursive: true })
  const tmp = join(dirname(full), `.${basename(full)}.tmp-${randomBytes(6).toString('hex')}`)
  try {
    await writeFile(tmp, data, { mode, flush: true })
    await rename(tmp, full)
  } catch (e) {
    await rm(tmp, { force: true })
    throw e
  }
  return full
}
