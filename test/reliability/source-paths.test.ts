// Every path a build reads from the user's tree stays in the source folder:
// copy() of a link, of a file under a linked folder, caCertificates({ file })
// that is a link, each refused with PATH_OUTSIDE_SOURCE naming the link and
// its target; links inside a copied folder go into the layer as links (never
// followed, never skipped); the opt-in follows them. Real files and links in
// a temp dir; the engine build at the end uses the real Go toolchain.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { materialize } from '../../src/engines/runtime-files.js'
import { goFilesLinkingOutside } from '../../src/util/source-links.js'
import type { RuntimeFile, SourceLinks } from '../../src/plan/build-plan.js'
import { goService, type EngineEvent } from '../../src/index.js'
import { PINNED_PEM } from '../support/pinned-ca.js'
import { missing } from '../support/tools.js'
import { imageFiles } from '../support/image-files.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-paths-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const outside = join(tmp, 'outside')
const src = join(tmp, 'src')
mkdirSync(outside)
mkdirSync(join(src, 'assets', 'sub'), { recursive: true })
writeFileSync(join(outside, 'secret.txt'), 'machine secret\n')
writeFileSync(join(outside, 'ca.pem'), PINNED_PEM)
writeFileSync(join(src, 'real.txt'), 'in the tree\n')
writeFileSync(join(src, 'assets', 'a.txt'), 'asset\n')
symlinkSync('../outside/secret.txt', join(src, 'link.txt'))
symlinkSync(outside, join(src, 'linkdir'))
symlinkSync(join(outside, 'ca.pem'), join(src, 'ca.pem'))
symlinkSync('real.txt', join(src, 'alias.txt'))
symlinkSync('../../outside/secret.txt', join(src, 'assets', 'sub', 'escape'))
symlinkSync('../a.txt', join(src, 'assets', 'sub', 'up'))

const copy = (from: string): RuntimeFile => ({ kind: 'host-file', from, path: `/data/${from}`, mode: null })
const ca = (from: string): RuntimeFile => ({ kind: 'ca-bundle', path: '/etc/ssl/certs/ca.crt', mode: 0o644, source: { kind: 'file', from } })
const run = (f: RuntimeFile, links: SourceLinks = 'confine') =>
  materialize([f], { sourceDir: src, links, zoneinfoZip: async () => '' })

describe('paths the build reads stay in the source folder', () => {
  it("refuses copy() of a symlink to a file outside, naming the link and its target", async () => {
    await expect(run(copy('link.txt'))).rejects.toMatchObject({
      code: 'PATH_OUTSIDE_SOURCE',
      message: expect.stringMatching(/copy\('link.txt'\).*link\.txt is a symlink to \.\.\/outside\/secret\.txt.*secret\.txt/),
    })
  })

  it('refuses copy() of a file under a linked folder, naming the folder link', async () => {
    await expect(run(copy('linkdir/secret.txt'))).rejects.toMatchObject({
      code: 'PATH_OUTSIDE_SOURCE',
      message: expect.stringContaining(`${join(src, 'linkdir')} is a symlink to ${outside}`),
    })
    await expect(run(copy('linkdir')))
      .rejects.toMatchObject({ code: 'PATH_OUTSIDE_SOURCE' })
  })

  it('refuses caCertificates({ file }) that is a symlink out of the source folder', async () => {
    await expect(run(ca('ca.pem'))).rejects.toMatchObject({
      code: 'PATH_OUTSIDE_SOURCE',
      message: expect.stringMatching(/^caCertificates\.file: 'ca\.pem' leads outside the source folder/),
    })
  })

  it('takes a link that stays inside the source folder, reading its target', async () => {
    const [e] = await run(copy('alias.txt'))
    expect(e).toMatchObject({ type: 'file', sourcePath: join(src, 'real.txt') })
  })

  it('keeps links inside a copied folder as links with their target as written, and reads nothing through them', async () => {
    const entries = await run(copy('assets'))
    const byPath = Object.fromEntries(entries.map((e) => [e.path, e]))
    expect(byPath['/data/assets/sub/escape']).toMatchObject({ type: 'symlink', linkTarget: '../../outside/secret.txt' })
    expect(byPath['/data/assets/sub/up']).toMatchObject({ type: 'symlink', linkTarget: '../a.txt' })
    expect(entries.filter((e) => e.type === 'file').map((e) => e.path)).toEqual(['/data/assets/a.txt'])
  })

  it('follows a link out only when the user opted in', async () => {
    const [e] = await run(copy('link.txt'), 'follow')
    expect(e).toMatchObject({ type: 'file', sourcePath: join(outside, 'secret.txt') })
    const [bundle] = await run(ca('ca.pem'), 'follow')
    expect(Buffer.from(bundle!.content!).toString()).toBe(PINNED_PEM)
  })

  it('refuses a fifo inside a copied folder instead of skipping it', async () => {
    const dir = join(src, 'pipes')
    mkdirSync(dir)
    execFileSync('mkfifo', [join(dir, 'p')])
    await expect(run(copy('pipes'))).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('pipes/p') })
  })

  it('names a dangling link when the copied file is missing', async () => {
    symlinkSync('../outside/nope.txt', join(src, 'dangling.txt'))
    await expect(run(copy('dangling.txt'))).rejects.toMatchObject({
      code: 'INPUT_NOT_FOUND',
      message: expect.stringContaining('links to ../outside/nope.txt, which is missing'),
    })
  })

  it('refuses in the Dockerfile the links the engines refuse, opt-in or not (docker build cannot follow them)', () => {
    const svc = goService({ name: 'x', source: src })
    for (const bad of [svc.copy('link.txt', '/x'), svc.copy('linkdir/secret.txt', '/x'), svc.caCertificates({ file: 'ca.pem' })]) {
      expect(() => bad.dockerfile()).toThrow(expect.objectContaining({ code: 'PATH_OUTSIDE_SOURCE' }))
      expect(() => bad.allowLinksOutsideSource().dockerfile()).toThrow(
        expect.objectContaining({ code: 'PATH_OUTSIDE_SOURCE', message: expect.stringContaining('is a symlink to') }),
      )
    }
    expect(svc.copy('alias.txt', '/x').copy('assets', '/assets').dockerfile()).toContain('COPY')
    expect(svc.copy('not-there.txt', '/x').dockerfile()).toContain('not-there.txt') // docker build's to report
  })

  it('tells the rendered plan that docker build cannot follow what the opt-in allows', () => {
    const p = goService({ name: 'x', source: src }).copy('link.txt', '/x').allowLinksOutsideSource().plan()
    expect(p.source.links).toBe('follow')
    expect(p.warnings.join('\n')).toContain('docker build cannot follow them')
    expect(goService({ name: 'x', source: src }).plan().source.links).toBe('confine')
  })
})

describe('Go sources linked from outside the module', () => {
  it('names a linked .go file and a linked package folder, not a linked folder of assets', async () => {
    const m = join(tmp, 'warn-mod')
    mkdirSync(join(outside, 'lib'), { recursive: true })
    mkdirSync(join(outside, 'pics'), { recursive: true })
    writeFileSync(join(outside, 'lib', 'lib.go'), 'package lib\n')
    writeFileSync(join(outside, 'pics', 'a.png'), 'png')
    writeFileSync(join(outside, 'x.go'), 'package main\n')
    mkdirSync(m)
    symlinkSync(join(outside, 'lib'), join(m, 'lib'))
    symlinkSync(join(outside, 'pics'), join(m, 'pics'))
    symlinkSync(join(outside, 'x.go'), join(m, 'x.go'))
    const found = await goFilesLinkingOutside(m)
    expect(found.map((l) => l.file)).toEqual(['lib', 'x.go'])
  })
})

describe.skipIf(missing('go'))('a local build with links in its tree', () => {
  const mod = join(tmp, 'mod')
  mkdirSync(join(mod, 'static'), { recursive: true })
  writeFileSync(join(mod, 'go.mod'), 'module example.com/links\n\ngo 1.22\n')
  writeFileSync(join(mod, 'main.go'), 'package main\n\nfunc main() { println(greeting()) }\n')
  writeFileSync(join(outside, 'greeting.go'), 'package main\n\nfunc greeting() string { return "hi" }\n')
  symlinkSync(join(outside, 'greeting.go'), join(mod, 'greeting.go'))
  writeFileSync(join(mod, 'static', 'index.html'), '<p>hi</p>\n')
  symlinkSync('../../outside/secret.txt', join(mod, 'static', 'leak'))
  symlinkSync('../outside/secret.txt', join(mod, 'secret.txt'))
  const svc = goService({ name: 'links', source: mod }).runtime('scratch').smoke(false).sbom(false)

  it('refuses the build when copy() names a link out, before anything is compiled', async () => {
    const seen: EngineEvent[] = []
    const build = svc.copy('secret.txt', '/secret.txt').build({ engine: 'local', reporter: 'silent', cacheDir: null, onEvent: (e) => seen.push(e) })
    await expect(build).rejects.toMatchObject({ code: 'PATH_OUTSIDE_SOURCE' })
    expect(seen.filter((e) => e.kind === 'step-start')).toEqual([])
  })

  it("keeps a copied folder's links as links in the image, and warns about a Go file linked from outside", async () => {
    const seen: EngineEvent[] = []
    const r = await svc.copy('static', '/static').build({
      engine: 'local',
      reporter: 'silent',
      cacheDir: null,
      onEvent: (e) => seen.push(e),
    })
    const out = join(tmp, 'links.tar')
    await r.exportTarball(out)
    const files = await imageFiles(out)
    expect(files.get('/static/leak')).toMatchObject({ type: 'symlink', link: '../../outside/secret.txt' })
    expect(files.get('/static/index.html')).toMatchObject({ type: 'file' })
    const warned = seen.filter((e) => e.kind === 'warning').map((e) => ('message' in e ? e.message : ''))
    expect(warned.join('\n')).toMatch(/greeting\.go is a symlink to .*greeting\.go.*outside the module/)
    expect(r.report.warnings.join('\n')).toContain('greeting.go is a symlink')
  })
})
