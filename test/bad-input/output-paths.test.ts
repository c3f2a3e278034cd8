// Outputs that cannot be written: a really full disk (a 1 MiB tmpfs), a
// read-only tmpfs and a read-only bind mount (chmod does not stop root), a
// folder or file in the way, a TMPDIR or cache folder that cannot be used.
// Each is a GostaticError naming the path, and no half-written file or temp
// entry is left behind.
import { afterAll, beforeAll, describe, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { goService, type BuildResult } from '../../src/index.js'
import { ErrorCode } from '../../src/errors.js'
import { missing } from '../support/tools.js'
import { caseDirs, corpusRoot, expectCliError, expectNothingLeft, expectSdkError, runCli, type CaseDirs, type Expected, withTmpdir } from './harness.js'

const root = corpusRoot('output')
const mounts: string[] = []

function sh(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  return r.status === 0 ? undefined : (r.stderr || r.error?.message || `exit ${r.status}`).trim()
}

/** A tmpfs (or bind) mount of our own, unmounted in afterAll. */
function mount(dir: string, args: string[]): void {
  mkdirSync(dir, { recursive: true })
  const err = sh('mount', [...args, dir])
  if (err) throw new Error(`mount ${args.join(' ')} ${dir}: ${err}`)
  mounts.push(dir)
}

// Mounting needs root; a developer's machine without it skips, CI (root) must run it.
function cannotMount(): string | false {
  const tools = missing('go', 'mount', 'umount')
  if (tools) return tools
  const probe = mkdtempSync(join(root, 'probe-'))
  const err = sh('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]) ?? sh('umount', [probe])
  if (!err) return false
  if (process.env.GOSTATIC_REQUIRE_TOOLS === '1') throw new Error(`cannot mount a tmpfs (${err}); GOSTATIC_REQUIRE_TOOLS=1 requires it`)
  return `cannot mount a tmpfs: ${err}`
}
const skip = cannotMount()

afterAll(() => {
  for (const m of mounts.reverse()) sh('umount', [m])
  rmSync(root, { recursive: true, force: true })
})

const full = join(root, 'full')
const ro = join(root, 'ro')
const roBind = join(root, 'ro-bind')
const W = ErrorCode.OUTPUT_NOT_WRITABLE

type Case = Expected & { readonly name: string; readonly out?: (d: CaseDirs) => string; readonly run: (r: BuildResult, out: string) => Promise<unknown> }

const sdkCases: Case[] = [
  { name: 'exportTarball onto a full disk', out: () => join(full, 'a', 'hello.tar'), run: (r, o) => r.exportTarball(o), code: W, names: /cannot write .*full\/a\/hello\.tar/, allowed: 'no space left on the device' },
  { name: 'exportBinary onto a full disk', out: () => join(full, 'b', 'hello'), run: (r, o) => r.exportBinary(o), code: W, names: /cannot write .*full\/b\/hello/, allowed: 'no space left on the device' },
  { name: 'exportTarball into a read-only tmpfs', out: () => join(ro, 'hello.tar'), run: (r, o) => r.exportTarball(o), code: W, names: /cannot write .*ro\/hello\.tar/, allowed: 'the file system is read-only' },
  { name: 'exportTarball into a read-only bind mount', out: () => join(roBind, 'hello.tar'), run: (r, o) => r.exportTarball(o), code: W, names: /cannot write .*ro-bind\/hello\.tar/, allowed: 'the file system is read-only' },
  { name: 'exportBinary into a read-only folder', out: () => join(ro, 'hello'), run: (r, o) => r.exportBinary(o), code: W, names: /cannot write .*ro\/hello/, allowed: 'read-only' },
  { name: 'exportTarball onto an existing folder', out: (d) => (mkdirSync(join(d.root, 'out', 'image.tar'), { recursive: true }), join(d.root, 'out', 'image.tar')), run: (r, o) => r.exportTarball(o).finally(() => rmSync(o, { recursive: true })), code: W, names: /cannot write .*image\.tar/, allowed: 'it is a folder' },
  { name: 'exportTarball below a file', out: (d) => (writeFileSync(join(d.root, 'file'), 'x'), join(d.root, 'file', 'image.tar')), run: (r, o) => r.exportTarball(o).finally(() => rmSync(resolve(o, '..'))), code: W, names: /cannot write .*file\/image\.tar/, allowed: 'a parent of it is a file' },
  { name: 'exportTarball(undefined)', run: (r) => r.exportTarball(undefined as never), code: ErrorCode.INVALID_CONFIG, names: 'exportTarball needs the path', allowed: "like 'gostatic-out/hello.tar'" },
  { name: "exportTarball('')", run: (r) => r.exportTarball(''), code: ErrorCode.INVALID_CONFIG, names: 'exportTarball needs the path', allowed: 'got an empty string' },
  { name: 'exportBinary(undefined)', run: (r) => r.exportBinary(undefined as never), code: ErrorCode.INVALID_CONFIG, names: 'exportBinary needs the path', allowed: "like 'gostatic-out/hello'" },
  { name: 'exportBinary for a platform not built', run: (r, o) => r.exportBinary(o, 'linux/arm64'), code: ErrorCode.INVALID_CONFIG, names: 'was not built for linux/arm64', allowed: 'it has linux/amd64' },
  { name: "exportTarball with tag 'My App'", run: (r, o) => r.exportTarball(o, { tag: 'My App' }), code: ErrorCode.INVALID_REFERENCE, names: "tag 'My App'", allowed: "an image name like 'team/hello:1.0'" },
  { name: 'publish(undefined)', run: (r) => r.publish(undefined as never), code: ErrorCode.INVALID_REFERENCE, names: 'publish needs a reference', allowed: "like '127.0.0.1:5000/team/hello:1.0'" },
]

/** Cases that move TMPDIR or the cache: the temp archive or work folder itself cannot be written (load() writes none). */
const tmpCases: (Case & { readonly tmp: () => string; readonly env?: () => NodeJS.ProcessEnv })[] = [
  { name: 'publish with TMPDIR on a full disk', tmp: () => join(full, 'tmp-publish'), run: (r) => r.publish('127.0.0.1:5000/gostatic-bad-input/never:1'), code: W, names: 'a temp file under TMPDIR', allowed: 'set TMPDIR to a writable folder with free space' },
  { name: 'publish with a read-only TMPDIR', tmp: () => ro, run: (r) => r.publish('127.0.0.1:5000/gostatic-bad-input/never:1'), code: W, names: /cannot create a temp folder in .*ro/, allowed: 'set TMPDIR to a writable folder' },
]

describe.skipIf(skip)('outputs that cannot be written: the path named, nothing half-written', () => {
  let result: BuildResult
  beforeAll(async () => {
    mount(full, ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs'])
    mount(ro, ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs'])
    const src = mkdtempSync(join(root, 'bind-src-'))
    mount(roBind, ['--bind', src])
    const err = sh('mount', ['-o', 'remount,bind,ro', roBind])
    if (err) throw new Error(`remount ${roBind} read-only: ${err}`)
    result = await goService({ name: 'hello', source: resolve('examples/hello') }).build({ engine: 'local' })
  })

  for (const c of sdkCases) {
    it(`refuses ${c.name}`, async () => {
      const base = caseDirs(root, c.name)
      const d = { ...base, out: c.out ? c.out(base) : base.out }
      await expectSdkError(() => c.run(result, d.out), c)
      expectNothingLeft(d)
    })
  }

  for (const c of tmpCases) {
    it(`refuses ${c.name}`, async () => {
      const base = caseDirs(root, c.name)
      const tmp = c.tmp()
      if (tmp.startsWith(full)) mkdirSync(tmp, { recursive: true })
      await withTmpdir(tmp, () => expectSdkError(() => c.run(result, base.out), c))
      expectNothingLeft({ ...base, tmp })
    })
  }

  it('refuses a build whose TMPDIR is read-only, naming TMPDIR', async () => {
    const d = caseDirs(root, 'build-ro-tmpdir')
    const want = { code: W, names: /cannot create a temp folder in .*ro/, allowed: 'set TMPDIR to a writable folder' }
    await withTmpdir(ro, () => expectSdkError(() => goService({ name: 'hello', source: resolve('examples/hello') }).build({ engine: 'local' }), want))
    expectNothingLeft({ ...d, tmp: ro })
  })

  it('refuses a cache folder on a read-only file system, naming it', async () => {
    const d = caseDirs(root, 'ro-cache')
    const want = { code: W, names: /the cache folder .*ro\/cache cannot be created or written/, allowed: 'set GOSTATIC_CACHE_DIR to a writable folder' }
    const build = () => goService({ name: 'hello', source: resolve('examples/hello') }).build({ engine: 'local', cacheDir: join(ro, 'cache') })
    await withTmpdir(d.tmp, () => expectSdkError(build, want))
    expectNothingLeft(d)
  })

  const cli: (Expected & { name: string; out: (d: CaseDirs) => string })[] = [
    { name: 'build --out onto a full disk', out: () => join(full, 'cli', 'hello.tar'), code: W, names: /cannot write .*full\/cli\/hello\.tar/, allowed: 'choose another output path (--out)' },
    { name: 'build --out into a read-only folder', out: () => join(ro, 'hello.tar'), code: W, names: /cannot write .*ro\/hello\.tar: the file system is read-only/, allowed: 'choose another output path (--out)' },
    { name: 'build --out below a file', out: (d) => (writeFileSync(join(d.root, 'f'), 'x'), join(d.root, 'f', 'hello.tar')), code: W, names: 'a parent of it is a file', allowed: 'choose another output path (--out)' },
  ]
  for (const c of cli) {
    it(`reports ${c.name} without a stack trace or a crash`, async () => {
      const base = caseDirs(root, c.name)
      const d = { ...base, out: c.out(base) }
      expectCliError(await runCli(['build', resolve('examples/hello'), '--engine', 'local', '--out', d.out], d), c)
      rmSync(join(d.root, 'f'), { force: true })
      expectNothingLeft(d)
    })
  }
})
