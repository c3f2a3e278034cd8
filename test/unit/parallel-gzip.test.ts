// Layers are gzipped in fixed 1 MiB chunks on several threads. What users
// rely on: any gzip reader takes the result, the bytes never depend on how
// many chunks ran at once (so not on the core count), a small layer keeps
// the bytes a plain gzip stream gives, and the size stays that of level 6.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { constants as zc, gunzipSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { GZIP_CHUNK, parallelGzip, ParallelGzip } from '../../src/oci/parallel-gzip.js'

/** Deterministic, compressible like a binary: repeated words with a varying counter, then noise. */
function sample(size: number, seed = 1): Buffer {
  const b = Buffer.alloc(size)
  let x = seed
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    b[i] = i % 4096 < 3000 ? 'gostatic layer chunk '.charCodeAt(i % 21) ^ (i >> 12 & 7) : x >>> 24
  }
  return b
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe('parallel gzip', () => {
  it('round-trips through gunzip at every size around the chunk boundaries', async () => {
    for (const size of [0, 1, 511, GZIP_CHUNK - 1, GZIP_CHUNK, GZIP_CHUNK + 1, 3 * GZIP_CHUNK + 17]) {
      const data = sample(size, size)
      expect(gunzipSync(await parallelGzip(data)).equals(data), `size ${size}`).toBe(true)
    }
  })

  it('gives the same bytes with one lane, two and eight', async () => {
    const data = sample(5 * GZIP_CHUNK + 4321)
    const one = await parallelGzip(data, 6, { lanes: 1 })
    expect((await parallelGzip(data, 6, { lanes: 2 })).equals(one)).toBe(true)
    expect((await parallelGzip(data, 6, { lanes: 8 })).equals(one)).toBe(true)
  })

  it('gives the same bytes however the input is split into writes', async () => {
    const data = sample(2 * GZIP_CHUNK + 999)
    const whole = await parallelGzip(data)
    const gz = new ParallelGzip()
    for (let at = 0; at < data.length; at += 777) await gz.write(data.subarray(at, at + 777))
    expect((await gz.end()).equals(whole)).toBe(true)
  })

  it('keeps the bytes of a plain gzip stream for a layer under one chunk', async () => {
    const data = sample(200_000)
    const plain = gzipSync(data, { level: 6, memLevel: 8, windowBits: 15, strategy: zc.Z_DEFAULT_STRATEGY })
    plain[9] = 3 // the OS byte gostatic pins
    expect((await parallelGzip(data)).equals(plain)).toBe(true)
  })

  it('stays within 0.2% of a single level-6 stream in size, on machine code', async () => {
    // The first 6 MiB of the node binary running this test: real code and data, like a Go binary.
    const data = (await readFile(process.execPath)).subarray(0, 6 * GZIP_CHUNK)
    const single = gzipSync(data, { level: 6 }).length
    const chunked = (await parallelGzip(data)).length
    expect(Math.abs(chunked - single) / single).toBeLessThan(0.002)
  })

  it('writes the bytes pinned for this layer format (a change here changes every large layer digest)', async () => {
    expect(sha(await parallelGzip(sample(3 * GZIP_CHUNK + 5)))).toBe('02a6f98738d2155db09f8177635d08625ef27eb2a5f05ba80886a1316984a625')
  })
})
