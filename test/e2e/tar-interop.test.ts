// gostatic's tar reader and writer against GNU tar: the reader takes what
// GNU tar writes in its gnu (long-name records, base-256 numbers) and posix
// (pax) formats, and GNU tar lists what the writer writes, long names included.
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readTar } from '../../src/oci/tar-reader.js'
import { TarWriter } from '../../src/oci/tar-writer.js'
import { missing } from '../support/tools.js'

const run = promisify(execFile)
const DEEP = 'deep/'.repeat(40)
const LINK = `${'/target'.repeat(20)}/x`

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gostatic-tar-'))
  await mkdir(join(dir, 'src', DEEP), { recursive: true })
  await writeFile(join(dir, 'src', DEEP, 'file.txt'), 'long\n')
  await writeFile(join(dir, 'src', 'São_Paulo'), 'tz\n')
  await symlink(LINK, join(dir, 'src', 'link'))
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function entries(path: string) {
  const out: { name: string; type: string; uid: number; link: string | null; body: string }[] = []
  for await (const e of readTar([await readFile(path)])) {
    let body = ''
    for await (const c of e.body) body += c.toString()
    out.push({ name: e.header.name, type: e.header.type, uid: e.header.uid, link: e.header.linkname, body })
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1))
}

describe.skipIf(missing('tar'))('tar interop with GNU tar', () => {
  for (const format of ['gnu', 'posix']) {
    it(`reads GNU tar's ${format} format: long names, a long link target, UTF-8 and a large uid`, async () => {
      const tar = join(dir, `${format}.tar`)
      await run('tar', [`--format=${format}`, '--owner=big:3000000', '--group=g:70', '-cf', tar, '-C', join(dir, 'src'), '.'])
      const files = (await entries(tar)).filter((e) => e.type !== 'directory')
      expect(files).toEqual([
        { name: './São_Paulo', type: 'file', uid: 3000000, link: null, body: 'tz\n' },
        { name: `./${DEEP}file.txt`, type: 'file', uid: 3000000, link: null, body: 'long\n' },
        { name: './link', type: 'symlink', uid: 3000000, link: LINK, body: '' },
      ])
    })
  }

  it('writes tars GNU tar lists and extracts, long names and targets included', async () => {
    const chunks: Buffer[] = []
    const tar = new TarWriter(async (c) => void chunks.push(Buffer.from(c)))
    await tar.entry({ name: `${DEEP}file.txt`, type: 'file', mode: 0o644, mtime: 0 }, Buffer.from('long\n'))
    await tar.entry({ name: 'São_Paulo', type: 'file', mode: 0o600, uid: 3000000, mtime: 0 }, Buffer.from('tz\n'))
    await tar.entry({ name: 'link', type: 'symlink', mode: 0o777, mtime: 0, linkname: LINK })
    await tar.end()
    const path = join(dir, 'ours.tar')
    await writeFile(path, Buffer.concat(chunks))
    // Literal quoting: under a C locale GNU tar would print São as S\303\243o.
    const { stdout } = await run('tar', ['--numeric-owner', '--quoting-style=literal', '-tvf', path])
    const lines = stdout.trim().split('\n')
    expect(lines[0]).toMatch(new RegExp(`^-rw-r--r-- 0/0 +5 .* ${DEEP}file\\.txt$`))
    expect(lines[1]).toMatch(/^-rw------- 3000000\/0 +3 .* São_Paulo$/)
    expect(lines[2]).toMatch(new RegExp(`^lrwxrwxrwx 0/0 +0 .* link -> ${LINK}$`))
    await mkdir(join(dir, 'out'))
    await run('tar', ['-xf', path, '-C', join(dir, 'out')])
    expect(await readFile(join(dir, 'out', DEEP, 'file.txt'), 'utf8')).toBe('long\n')
  })
})
