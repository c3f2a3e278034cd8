// .binary() mistakes: each refused at spec or plan time (before any tool
// runs, nothing written) with a message naming the binaries[i] field and what
// is allowed; a main that is a library, not a program, is refused by the real
// go build, naming the package.
import { afterAll, describe, it } from 'vitest'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { goService } from '../../src/index.js'
import { ErrorCode } from '../../src/errors.js'
import { missing } from '../support/tools.js'
import { caseDirs, corpusRoot, expectCliError, expectNothingLeft, expectSdkError, runCli, type Expected, withTmpdir } from './harness.js'
import { expectSpecRefused, type SpecCase } from './spec-cases.js'

const root = corpusRoot('binaries')
afterAll(() => rmSync(root, { recursive: true, force: true }))

const hello = () => goService({ name: 'hello', source: resolve('examples/hello') })
const migrate = (path: string, main = './cmd/migrate') => hello().binary({ main, path })
const S = ErrorCode.INVALID_SPEC
type Case = SpecCase

const cases: Case[] = [
  { name: 'a relative path', svc: () => migrate('usr/local/bin/migrate'), code: S, names: 'at binaries[0].path', allowed: 'must be an absolute path in the image' },
  { name: 'a folder as the path', svc: () => migrate('/usr/local/bin/'), code: S, names: 'at binaries[0].path', allowed: "give the file's path" },
  { name: "the main binary's path", svc: () => migrate('/usr/local/bin/hello'), code: S, names: 'at binaries[0].path', allowed: "the main binary's path; give each binary its own file path" },
  { name: 'a path inside the main binary', svc: () => migrate('/usr/local/bin/hello/migrate'), code: S, names: 'at binaries[0].path', allowed: 'give each binary its own file path' },
  { name: 'two binaries at one path', svc: () => migrate('/bin/m').binary({ main: './cmd/seed', path: '/bin/m' }), code: S, names: 'at binaries[1].path', allowed: 'binaries[0].path; give each binary its own file path' },
  { name: 'the same package twice', svc: () => migrate('/bin/a').binary({ main: 'cmd/migrate/', path: '/bin/b' }), code: S, names: 'at binaries[1].main', allowed: 'each binary builds its own main package, once' },
  { name: "the service's main package again", svc: () => migrate('/bin/again', './'), code: S, names: 'at binaries[0].main', allowed: "the service's main package" },
  { name: 'an absolute main', svc: () => migrate('/bin/m', '/src/cmd/migrate'), code: S, names: 'at binaries[0].main', allowed: "relative to source, like '.' or './cmd/api'" },
  { name: 'a main outside the module', svc: () => migrate('/bin/m', '../tools/migrate'), code: S, names: 'at binaries[0].main', allowed: 'outside the module' },
  { name: 'a misspelt key', svc: () => hello().binary({ main: './cmd/migrate', pth: '/bin/m' } as never), code: S, names: 'binaries[0]', allowed: "did you mean 'path'" },
  { name: 'a path on a copied file', svc: () => migrate('/app/migrate').copy('main.go', '/app/migrate'), code: S, names: 'at binaries[0].path', allowed: 'give the binary its own path' },
  { name: "a path on the base's /etc/passwd", svc: () => migrate('/etc/passwd'), code: S, names: 'at binaries[0].path', allowed: 'give the binary its own path' },
  { name: 'a workdir on a binary', svc: () => migrate('/app/migrate').workdir('/app/migrate'), code: S, names: 'at workdir', allowed: 'use a folder like / or /app' },
  { name: 'a plain-object binary without a path', svc: () => ({ name: 'hello', source: '.', binaries: [{ main: './cmd/x' }] }), code: S, names: 'at binaries[0].path', allowed: /expected string/ },
]

describe('bad .binary() fields: refused before anything is built or written', () => {
  for (const c of cases) it(`refuses ${c.name}`, () => expectSpecRefused(root, c))
})

describe.skipIf(missing('go'))('a .binary() main that is not a main package', () => {
  it('is refused by the build, naming the package, and nothing is written', async () => {
    const d = caseDirs(root, 'library main')
    const src = join(d.root, 'src')
    mkdirSync(join(src, 'internal', 'db'), { recursive: true })
    writeFileSync(join(src, 'go.mod'), 'module example.com/lib\n\ngo 1.22\n')
    writeFileSync(join(src, 'main.go'), 'package main\n\nfunc main() {}\n')
    writeFileSync(join(src, 'internal', 'db', 'db.go'), 'package db\n\nfunc Open() {}\n')
    const svc = goService({ name: 'lib', source: src }).binary({ main: './internal/db', path: '/usr/local/bin/db' })
    const want = { code: ErrorCode.GO_BUILD_FAILED, names: "lib /usr/local/bin/db (linux/amd64): main './internal/db'", allowed: 'package main' }
    await withTmpdir(d.tmp, () => expectSdkError(async () => (await svc.build({ engine: 'local', cacheDir: null, reporter: 'silent' })).exportTarball(d.out), want))
    expectNothingLeft(d)
  })
})

describe('bad --binary flags: usage errors naming the flag as typed', () => {
  const C = ErrorCode.USAGE
  const flagCases: (Expected & { name: string; args: string[] })[] = [
    { name: 'no =', args: ['--binary', './cmd/migrate'], code: C, names: "--binary './cmd/migrate' is not main=path", allowed: 'like ./cmd/migrate=/usr/local/bin/migrate' },
    { name: 'nothing after =', args: ['--binary', './cmd/migrate='], code: C, names: "--binary './cmd/migrate='", allowed: 'not main=path' },
    { name: 'a relative path', args: ['--binary', './cmd/m=usr/bin/m'], code: C, names: '--binary ./cmd/m=usr/bin/m:', allowed: 'must be an absolute path in the image' },
    { name: 'one path twice', args: ['--binary', './cmd/a=/bin/x', '--binary', './cmd/b=/bin/x'], code: C, names: '--binary ./cmd/a=/bin/x --binary ./cmd/b=/bin/x:', allowed: 'give each binary its own file path' },
  ]
  for (const c of flagCases)
    it(`refuses --binary with ${c.name}`, async () => {
      const d = caseDirs(root, `cli ${c.name}`)
      expectCliError(await runCli(['plan', resolve('examples/hello'), ...c.args], d), c)
      expectNothingLeft(d)
    })
})
