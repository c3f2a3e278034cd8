// The image's `created` follows the source's git history: a clean checkout
// gets its last commit's time, anything else 0, and SOURCE_DATE_EPOCH or the
// option still win. Real git repositories in a temp dir, real local builds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { goService } from '../../src/index.js'
import { cleanCommitTime, sourceDateEpoch } from '../../src/toolchain/source-date-epoch.js'
import { readOciArchive } from '../../src/oci/oci-reader.js'
import { missing } from '../support/tools.js'
import { execOk } from '../support/runtime.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-epoch-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

// 2024-03-01T12:00:00Z as committer date; the author date differs, to show which one counts.
const COMMITTED = 1709294400
const env = (): NodeJS.ProcessEnv => {
  const { SOURCE_DATE_EPOCH: _drop, ...rest } = process.env
  return rest
}
const git = (cwd: string, ...args: string[]) =>
  execOk('git', ['-C', cwd, '-c', 'user.name=gostatic test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
    env: { ...env(), GIT_AUTHOR_DATE: '2020-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2024-03-01T12:00:00Z' },
  })

/** A git repository holding examples/hello at the top, committed once. */
async function repoWithHello(name: string): Promise<string> {
  const dir = join(tmp, name)
  cpSync(resolve('examples/hello'), dir, { recursive: true })
  await git(dir, 'init', '-q')
  await git(dir, 'add', '-A')
  await git(dir, 'commit', '-q', '-m', 'hello')
  return dir
}

async function created(source: string, out: string): Promise<{ created: string | undefined; digest: string }> {
  const r = await goService({ name: 'hello', source }).build({ engine: 'local', env: env() })
  const tar = await r.exportTarball(join(tmp, out))
  const archive = await readOciArchive(tar.path)
  return { created: archive.images[0]!.config.created, digest: tar.indexDigest }
}

describe.skipIf(missing('git'))('SOURCE_DATE_EPOCH default: the git facts', () => {
  let repo: string
  beforeAll(async () => {
    repo = await repoWithHello('facts')
  })

  it("reads HEAD's committer time from a clean checkout, and from a folder inside it", async () => {
    expect(await cleanCommitTime(repo, env())).toBe(COMMITTED)
    mkdirSync(join(repo, 'sub'))
    writeFileSync(join(repo, 'sub', 'x.go'), 'package sub\n')
    await git(repo, 'add', '-A')
    await git(repo, 'commit', '-q', '-m', 'sub')
    expect(await cleanCommitTime(join(repo, 'sub'), env())).toBe(COMMITTED)
  })

  it('gives null for a modified, a staged or an untracked file, and for a folder git ignores', async () => {
    const dirty = await repoWithHello('dirty-facts')
    appendFileSync(join(dirty, 'main.go'), '\n// edited\n')
    expect(await cleanCommitTime(dirty, env())).toBeNull()
    await git(dirty, 'add', 'main.go')
    expect(await cleanCommitTime(dirty, env())).toBeNull()
    await git(dirty, 'commit', '-q', '-m', 'edit')
    expect(await cleanCommitTime(dirty, env())).toBe(COMMITTED)
    writeFileSync(join(dirty, 'notes.txt'), 'untracked\n')
    expect(await cleanCommitTime(dirty, env())).toBeNull()
    rmSync(join(dirty, 'notes.txt'))
    writeFileSync(join(dirty, '.gitignore'), 'generated/\n')
    await git(dirty, 'add', '.gitignore')
    await git(dirty, 'commit', '-q', '-m', 'ignore')
    mkdirSync(join(dirty, 'generated'))
    writeFileSync(join(dirty, 'generated', 'go.mod'), 'module example.com/gen\n')
    expect(await cleanCommitTime(join(dirty, 'generated'), env())).toBeNull()
    expect(await cleanCommitTime(dirty, env())).toBe(COMMITTED)
  })

  it('gives null outside a repository and for a folder that does not exist', async () => {
    const plain = join(tmp, 'plain')
    cpSync(resolve('examples/hello'), plain, { recursive: true })
    expect(await cleanCommitTime(plain, env())).toBeNull()
    expect(await cleanCommitTime(join(tmp, 'nope'), env())).toBeNull()
  })

  it('lets the option and SOURCE_DATE_EPOCH win over the commit time', async () => {
    expect(await sourceDateEpoch({}, env(), repo)).toBe(COMMITTED)
    expect(await sourceDateEpoch({}, { ...env(), SOURCE_DATE_EPOCH: '42' }, repo)).toBe(42)
    expect(await sourceDateEpoch({ sourceDateEpoch: 7 }, { ...env(), SOURCE_DATE_EPOCH: '42' }, repo)).toBe(7)
  })
})

describe.skipIf(missing('git', 'go'))("SOURCE_DATE_EPOCH default: the image's created", () => {
  it("stamps a clean checkout's image with the commit time, and two checkouts of that commit give one digest", async () => {
    const repo = await repoWithHello('clean')
    const clone = join(tmp, 'clone')
    await execOk('git', ['clone', '-q', repo, clone])
    const a = await created(repo, 'clean.tar')
    const b = await created(clone, 'clone.tar')
    expect(a.created).toBe('2024-03-01T12:00:00Z')
    expect(b).toEqual(a)
  })

  it('stamps 0 when the checkout is dirty or the folder is not a repository', async () => {
    const repo = await repoWithHello('dirty')
    writeFileSync(join(repo, 'untracked.txt'), 'x\n')
    expect((await created(repo, 'dirty.tar')).created).toBe('1970-01-01T00:00:00Z')
    const plain = join(tmp, 'not-a-repo')
    cpSync(resolve('examples/hello'), plain, { recursive: true })
    expect((await created(plain, 'plain.tar')).created).toBe('1970-01-01T00:00:00Z')
  })

  it('uses SOURCE_DATE_EPOCH over the commit time', async () => {
    const repo = await repoWithHello('env-wins')
    const r = await goService({ name: 'hello', source: repo }).build({ engine: 'local', env: { ...env(), SOURCE_DATE_EPOCH: '1000000000' } })
    const archive = await readOciArchive((await r.exportTarball(join(tmp, 'env.tar'))).path)
    expect(archive.images[0]!.config.created).toBe('2001-09-09T01:46:40Z')
  })
})
