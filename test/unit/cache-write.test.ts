// A cache entry that cannot be written (here: a file where its folder should
// be, as a full disk or a read-only cache would also fail) stops the build with
// OUTPUT_NOT_WRITABLE naming the entry, and leaves no temp file behind.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { writeCacheFile } from '../../src/oci/cache-dir.js'

const dir = mkdtempSync(join(tmpdir(), 'gostatic-cache-write-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('names the cache entry it could not write, as OUTPUT_NOT_WRITABLE', async () => {
  writeFileSync(join(dir, 'steps'), 'a file, not a folder')
  const entry = join(dir, 'steps', 'abc.bin')
  await expect(writeCacheFile(dir, entry, Buffer.from('x'))).rejects.toMatchObject({
    code: 'OUTPUT_NOT_WRITABLE',
    message: expect.stringContaining(entry),
  })
  expect(readdirSync(dir).sort()).toEqual(['steps', 'tmp'])
  expect(readdirSync(join(dir, 'tmp'))).toEqual([])
})
