// Property: whatever bytes arrive, the tar reader and the image archive reader
// either return or throw a GostaticError with a stable code (OCI_MALFORMED for
// every malformation) — never a RangeError, TypeError, SyntaxError or a hang.
// Seeds are real: a layer tar and an OCI archive the writer made, a gzipped
// archive, and the same mutated byte by byte, truncated and spliced.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isGostaticError } from '../../src/errors.js'
import { buildLayer } from '../../src/oci/layer.js'
import { openImageTree, readOciArchive } from '../../src/oci/oci-reader.js'
import { writeOciArchive } from '../../src/oci/oci-writer.js'
import { readTar } from '../../src/oci/tar-reader.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-fuzz-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

// Codes a malformed input may give: malformed, or a compression/digest this Node cannot read.
const TYPED = new Set(['OCI_MALFORMED', 'UNSUPPORTED', 'INPUT_NOT_FOUND', 'DIGEST_MISMATCH'])

let tar: Buffer
let archive: Buffer
beforeAll(async () => {
  const layer = await buildLayer([
    { path: '/etc', type: 'dir', mode: 0o755 },
    { path: '/etc/passwd', type: 'file', mode: 0o644, content: Buffer.from('root:x:0:0::/root:/sbin/nologin\n') },
    { path: '/bin/app', type: 'file', mode: 0o755, content: Buffer.alloc(3000, 7) },
    { path: '/bin/sh', type: 'symlink', mode: 0o777, linkTarget: 'app' },
    { path: `/long/${'n'.repeat(150)}`, type: 'file', mode: 0o644, content: Buffer.from('pax name\n') },
  ])
  tar = gunzipSync(layer.gz)
  const path = join(tmp, 'seed.tar')
  const config = { Entrypoint: ['/bin/app'], Env: ['PATH=/bin'] }
  await writeOciArchive(path, [{ platform: { os: 'linux', architecture: 'amd64' }, layers: [layer], config }])
  archive = await readFile(path)
})

/** Mutations of a seed: flipped bytes, a cut, a spliced-in run of bytes. */
function mutated(seed: () => Buffer): fc.Arbitrary<Buffer> {
  const flips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 })
  const flip = flips.map((fs) => {
    const b = Buffer.from(seed())
    for (const [at, v] of fs) b[at % b.length] = v
    return b
  })
  const cut = fc.nat().map((n) => seed().subarray(0, n % seed().length))
  const splice = fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 600 })).map(([at, bytes]) => {
    const s = seed()
    const i = at % s.length
    return Buffer.concat([s.subarray(0, i), bytes, s.subarray(i + bytes.length)])
  })
  return fc.oneof(flip, cut, splice)
}

async function readAllTar(bytes: Buffer, chunk: number): Promise<void> {
  const chunks: Buffer[] = []
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk))
  for await (const e of readTar(chunks, 'fuzzed tar')) for await (const _ of e.body);
}

async function readAllArchive(bytes: Buffer, i: number): Promise<void> {
  const path = join(tmp, `case-${i}.tar`)
  writeFileSync(path, bytes)
  try {
    const a = await readOciArchive(path)
    for (const img of a.images) {
      const tree = await openImageTree(a, img.platform)
      await tree.files(['/etc/passwd'])
      await tree.read('/bin/sh')
    }
  } finally {
    rmSync(path, { force: true })
  }
}

function expectTyped(e: unknown): void {
  if (!isGostaticError(e) || !TYPED.has(e.code)) throw e
}

describe('the readers see only typed errors', () => {
  it('reads the unmutated seeds', async () => {
    await readAllTar(tar, 512)
    await readAllArchive(archive, -1)
    await readAllArchive(gzipSync(archive), -2)
  })

  it('tar reader: mutated, cut and spliced tars, fed in odd-sized chunks', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(() => tar), fc.integer({ min: 1, max: 4096 }), async (bytes, chunk) => {
        await readAllTar(bytes, chunk).catch(expectTyped)
      }),
      { numRuns: 3000 },
    )
  })

  it('archive reader: mutated OCI archives, plain and gzipped, read through to their files', async () => {
    let i = 0
    await fc.assert(
      fc.asyncProperty(mutated(() => archive), fc.boolean(), async (bytes, gz) => {
        await readAllArchive(gz ? gzipSync(bytes) : bytes, i++).catch(expectTyped)
      }),
      { numRuns: 600 },
    )
  })

  it('names the archive when a header claims more data than there is (the old INTERNAL)', async () => {
    const b = Buffer.from(tar)
    // First entry's size field: octal, far past the end; fix the checksum so the header is otherwise valid.
    b.write('77777777777\0', 124, 'latin1')
    b.fill(0x20, 148, 156)
    let sum = 0
    for (let k = 0; k < 512; k++) sum += b[k]!
    b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
    await expect(readAllTar(b, 512)).rejects.toMatchObject({
      code: 'OCI_MALFORMED',
      message: expect.stringMatching(/^fuzzed tar: the tar ends early at byte \d+/),
    })
  })
})
