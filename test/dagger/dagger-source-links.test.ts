// The Dagger engine confines the user's tree as the local engine does:
// copy() of a link out, of a file under a linked folder, and
// caCertificates({ file }) that is a link out are each refused with
// PATH_OUTSIDE_SOURCE before anything runs in the engine; a copied folder's
// own links go into the image as links with their target as written, as the
// local engine writes them. A real engine and a real Go build.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { goService, type EngineEvent, type GoService } from '../../src/index.js'
import { builderImage, missingDagger } from '../support/dagger.js'
import { imageFiles } from '../support/image-files.js'
import { PINNED_PEM } from '../support/pinned-ca.js'
import { missing } from '../support/tools.js'

const skip = missingDagger() || missing('go')
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-dagger-links-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const outside = join(tmp, 'outside')
const mod = join(tmp, 'mod')
mkdirSync(outside)
mkdirSync(join(mod, 'static'), { recursive: true })
writeFileSync(join(outside, 'secret.txt'), 'machine secret\n')
writeFileSync(join(outside, 'ca.pem'), PINNED_PEM)
writeFileSync(join(mod, 'go.mod'), 'module example.com/links\n\ngo 1.22\n')
writeFileSync(join(mod, 'main.go'), 'package main\n\nfunc main() { println("hi") }\n')
writeFileSync(join(mod, 'static', 'index.html'), '<p>hi</p>\n')
symlinkSync('../../outside/secret.txt', join(mod, 'static', 'leak'))
symlinkSync('../outside/secret.txt', join(mod, 'secret.txt'))
symlinkSync(outside, join(mod, 'linkdir'))
symlinkSync(join(outside, 'ca.pem'), join(mod, 'ca.pem'))

const svc = (): GoService =>
  goService({ name: 'links', source: mod }).builderImage(builderImage()).runtime('scratch').smoke(false).sbom(false)

describe.skipIf(skip)('the Dagger engine with links in the tree', () => {
  const refused: [string, () => GoService][] = [
    ['copy() of a link out', () => svc().copy('secret.txt', '/secret.txt')],
    ['copy() of a file under a linked folder', () => svc().copy('linkdir/secret.txt', '/secret.txt')],
    ['caCertificates({ file }) that is a link out', () => svc().caCertificates({ file: 'ca.pem' })],
  ]
  for (const [what, make] of refused)
    it(`refuses ${what}, naming the link, before the engine runs a step`, async () => {
      const seen: EngineEvent[] = []
      const build = make().build({ engine: 'dagger', reporter: 'silent', cacheDir: null, onEvent: (e) => seen.push(e) })
      await expect(build).rejects.toMatchObject({
        code: 'PATH_OUTSIDE_SOURCE',
        message: expect.stringMatching(/leads outside the source folder.* is a symlink to /),
      })
      expect(seen.filter((e) => e.kind === 'step-start')).toEqual([])
    })

  it("keeps a copied folder's links as links, as the local engine does", async () => {
    const files = async (engine: 'local' | 'dagger') => {
      const r = await svc().copy('static', '/static').build({ engine, reporter: 'silent', cacheDir: null })
      return imageFiles((await r.exportTarball(join(tmp, `${engine}.tar`))).path)
    }
    const dagger = await files('dagger')
    expect(dagger.get('/static/leak')).toMatchObject({ type: 'symlink', link: '../../outside/secret.txt' })
    expect(dagger.get('/static/index.html')).toMatchObject({ type: 'file' })
    const local = await files('local')
    expect(dagger.get('/static/leak')).toEqual(local.get('/static/leak'))
  }, 600_000)
})
