// The zip reader behind the image's /usr/share/zoneinfo: archives written by
// Python's zipfile (stored and deflated entries, a comment, a folder) and Go's
// own lib/time/zoneinfo.zip, and damaged archives refused with a typed error.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { GostaticError } from '../../src/errors.js'
import { zipEntries } from '../../src/util/zip-entries.js'
import { missing } from '../support/tools.js'

const dir = mkdtempSync(join(tmpdir(), 'gostatic-zip-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const FILES = { 'a/stored.txt': 'stored '.repeat(50), 'b/deflated.txt': 'deflated '.repeat(500), 'c/empty': '' }

function pythonZip(name: string): string {
  const path = join(dir, name)
  const script = `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.comment = b'a comment after the directory'
    z.writestr(zipfile.ZipInfo('a/'), b'')
    z.writestr('a/stored.txt', ${JSON.stringify(FILES['a/stored.txt'])}, compress_type=zipfile.ZIP_STORED)
    z.writestr('b/deflated.txt', ${JSON.stringify(FILES['b/deflated.txt'])}, compress_type=zipfile.ZIP_DEFLATED)
    z.writestr('c/empty', b'')
`
  execFileSync('python3', ['-c', script, path])
  return path
}

function refusal(data: Buffer): GostaticError {
  try {
    zipEntries(data, 'x.zip', () => true)
  } catch (e) {
    if (e instanceof GostaticError) return e
    throw e
  }
  throw new Error('a damaged zip was read')
}

describe.skipIf(missing('python3'))('zip written by Python', () => {
  it('reads stored and deflated entries byte for byte, skips folders, in archive order', () => {
    const files = zipEntries(readFileSync(pythonZip('mixed.zip')), 'mixed.zip', () => true)
    expect([...files.keys()]).toEqual(Object.keys(FILES))
    for (const [name, text] of Object.entries(FILES)) expect(files.get(name)!.toString()).toBe(text)
  })

  it('keeps only the names the filter accepts', () => {
    const files = zipEntries(readFileSync(pythonZip('filter.zip')), 'filter.zip', (n) => n.startsWith('b/'))
    expect([...files.keys()]).toEqual(['b/deflated.txt'])
  })

  it('refuses a flipped data byte (CRC-32) and a cut archive, naming the file', () => {
    const data = readFileSync(pythonZip('damaged.zip'))
    const flipped = Buffer.from(data)
    const at = flipped.indexOf('stored stored')
    flipped[at] = flipped[at]! ^ 1
    const crc = refusal(flipped)
    expect(crc.code).toBe('UNSUPPORTED')
    expect(crc.message).toMatch(/^x\.zip .*a\/stored\.txt fails its size or CRC-32 check/)
    expect(refusal(data.subarray(0, data.length - 40)).message).toMatch(/x\.zip .*(end-of-central-directory|truncated)/)
    expect(refusal(Buffer.from('not a zip at all, just text of some length')).message).toMatch(/no end-of-central-directory/)
  })
})

describe.skipIf(missing('go'))("Go's zoneinfo.zip", () => {
  it('holds the zones the image needs, each a TZif file', () => {
    const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim()
    const zip = join(goroot, 'lib/time/zoneinfo.zip')
    const all = zipEntries(readFileSync(zip), zip, () => true)
    expect(all.size).toBeGreaterThan(300)
    for (const zone of ['Europe/Berlin', 'Asia/Shanghai', 'America/New_York', 'UTC'])
      expect(all.get(zone)!.subarray(0, 4).toString()).toBe('TZif')
  })
})
