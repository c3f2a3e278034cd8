// `gostatic affected` on a real git repository holding a go.work workspace:
// three services, a package two of them share, a leaf package one uses, an
// embedded asset, and a third-party module (served from a file:// module
// proxy with two versions) that one service imports. Each change is made in
// the working tree against the committed base, as a developer would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { goWorkspace } from '../../src/index.js'
import { affectedServices } from '../../src/workspace/affected.js'
import { moduleZip } from '../support/private-goproxy.js'
import { missing } from '../support/tools.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-affected-'))
const repo = join(tmp, 'repo')
const proxy = join(tmp, 'proxy')
const DEP = 'example.com/gostatic-affected-dep'
const env: NodeJS.ProcessEnv = {
  ...process.env,
  GOPROXY: `file://${proxy}`,
  GOSUMDB: 'off',
  GOMODCACHE: join(tmp, 'modcache'),
  GOFLAGS: '-modcacherw',
  GOTOOLCHAIN: 'local',
}
const saved = { ...process.env }
afterAll(() => {
  process.env = saved
  rmSync(tmp, { recursive: true, force: true })
})

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true })
    writeFileSync(join(root, rel), text)
  }
}
function sh(cmd: string, args: string[], cwd = repo): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}
function publish(version: string, body: string): void {
  const at = join(proxy, DEP, '@v')
  const gomod = `module ${DEP}\n\ngo 1.22\n`
  write(at, {
    [`${version}.info`]: JSON.stringify({ Version: version, Time: '2024-01-01T00:00:00Z' }),
    [`${version}.mod`]: gomod,
  })
  writeFileSync(join(at, `${version}.zip`), moduleZip({ path: DEP, version, files: { 'go.mod': gomod, 'dep.go': body } }))
  appendFileSync(join(at, 'list'), `${version}\n`)
}
const main = (imports: string[], body: string) =>
  `package main\n\nimport (\n${imports.map((i) => `\t"${i}"\n`).join('')})\n\nfunc main() { ${body} }\n`

const names = async (since = 'HEAD') => {
  const ws = goWorkspace({ root: repo }).resolve()
  const r = await affectedServices(ws.services, { since, root: repo, env })
  return r.services
}
const reset = () => {
  sh('git', ['checkout', '--', '.'])
  sh('git', ['clean', '-fdq'])
}

describe.skipIf(missing('go', 'git'))('gostatic affected', () => {
  beforeAll(() => {
    // Workspace discovery asks go with the process env: the same proxy and module cache.
    Object.assign(process.env, env)
    publish('v1.0.0', 'package dep\n\nfunc Name() string { return "one" }\n')
    publish('v1.1.0', 'package dep\n\nfunc Name() string { return "two" }\n')
    write(repo, {
      'README.md': '# services\n',
      'gostatic.config.ts': `import { defineConfig, goWorkspace } from ${JSON.stringify(resolve('src/index.ts'))}\n` +
        "export default defineConfig({ workspace: goWorkspace({ root: '.' }) })\n",
      'go.work': 'go 1.22\n\nuse ./platform\n',
      'platform/go.mod': `module example.com/platform\n\ngo 1.22\n\nrequire ${DEP} v1.0.0\n`,
      'platform/shared/shared.go': 'package shared\n\nfunc Hello() string { return "hi" }\n',
      'platform/leaf/leaf.go': 'package leaf\n\nfunc Leaf() int { return 1 }\n',
      'platform/services/a/main.go': main(['example.com/platform/shared', DEP], 'println(shared.Hello(), dep.Name())'),
      'platform/services/b/main.go': main(['example.com/platform/shared'], 'println(shared.Hello())'),
      'platform/services/c/main.go': main(['embed', 'example.com/platform/leaf'], 'println(leaf.Leaf(), len(site))')
        .replace('func main', '//go:embed assets\nvar site embed.FS\n\nfunc main'),
      'platform/services/c/assets/index.html': '<h1>c</h1>\n',
    })
    sh('go', ['mod', 'tidy'], join(repo, 'platform'))
    sh('git', ['init', '-q', '-b', 'main'])
    sh('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A'])
    sh('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'base'])
  }, 120_000)

  it('selects nothing when nothing changed, and nothing for a README change', async () => {
    expect(await names()).toEqual([])
    appendFileSync(join(repo, 'README.md'), 'more\n')
    expect(await names()).toEqual([])
    reset()
  }, 180_000)

  it('selects the one service a leaf package change concerns, naming the file and package', async () => {
    appendFileSync(join(repo, 'platform/leaf/leaf.go'), '\nfunc Two() int { return 2 }\n')
    expect(await names()).toEqual([
      { name: 'c', path: 'platform/services/c', reason: { why: 'source', file: 'platform/leaf/leaf.go', package: 'example.com/platform/leaf' } },
    ])
    reset()
  }, 180_000)

  it('selects only the dependents of a shared package, a new file in it included', async () => {
    writeFileSync(join(repo, 'platform/shared/extra.go'), 'package shared\n\nconst X = 1\n')
    expect((await names()).map((s) => s.name)).toEqual(['a', 'b'])
    reset()
  }, 180_000)

  it('selects the service that embeds a changed or added asset', async () => {
    writeFileSync(join(repo, 'platform/services/c/assets/new.css'), 'h1 {}\n')
    const got = await names()
    expect(got).toEqual([{ name: 'c', path: 'platform/services/c',
      reason: { why: 'embed', file: 'platform/services/c/assets/new.css', package: 'example.com/platform/services/c', detail: '//go:embed assets' } }])
    reset()
  }, 180_000)

  it("selects exactly the users of a module whose version moved (go get rewrites go.mod and go.sum)", async () => {
    sh('go', ['get', `${DEP}@v1.1.0`], join(repo, 'platform'))
    const got = await names()
    expect(got.map((s) => s.name)).toEqual(['a'])
    expect(got[0]!.reason).toMatchObject({ why: 'module-version', module: DEP, package: DEP })
    reset()
  }, 180_000)

  it('selects the users of a module when only go.sum moves', async () => {
    // The hashes of v1.1.0 added to go.sum alone (go mod download does this): go.mod still pins v1.0.0.
    sh('go', ['mod', 'download', `${DEP}@v1.1.0`], join(repo, 'platform'))
    const sum = spawnSync('go', ['mod', 'download', '-json', `${DEP}@v1.1.0`], { cwd: join(repo, 'platform'), env, encoding: 'utf8' })
    const { Sum, GoModSum } = JSON.parse(sum.stdout) as { Sum: string; GoModSum: string }
    appendFileSync(join(repo, 'platform/go.sum'), `${DEP} v1.1.0 ${Sum}\n${DEP} v1.1.0/go.mod ${GoModSum}\n`)
    expect(sh('git', ['status', '--porcelain'])).toBe(' M platform/go.sum\n')
    expect((await names()).map((s) => [s.name, s.reason.file])).toEqual([['a', 'platform/go.sum']])
    reset()
  }, 180_000)

  it('compares with the merge base of a ref, committed changes included', async () => {
    sh('git', ['checkout', '-qb', 'feature'])
    appendFileSync(join(repo, 'platform/services/b/main.go'), '\nconst b = 1\n')
    sh('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qam', 'b'])
    expect((await names('main')).map((s) => s.name)).toEqual(['b'])
    expect(await names('HEAD')).toEqual([])
    sh('git', ['checkout', '-q', 'main'])
  }, 180_000)

  it('refuses an unknown ref and a shallow clone, naming them', async () => {
    await expect(names('no-such-branch')).rejects.toMatchObject({
      code: 'GIT_HISTORY', message: expect.stringContaining('--since no-such-branch: git knows no commit by that name'),
    })
    const shallow = join(tmp, 'shallow')
    sh('git', ['clone', '-q', '--depth', '1', `file://${repo}`, shallow], tmp)
    const ws = goWorkspace({ root: shallow }).resolve()
    await expect(affectedServices(ws.services, { since: 'HEAD', root: shallow, env })).rejects.toMatchObject({
      code: 'GIT_HISTORY', message: expect.stringContaining('is a shallow clone'),
    })
  }, 180_000)

  it('build --changed-since builds nothing when nothing changed, and says so', async () => {
    const cli = resolve('src/cli/main.ts')
    const r = spawnSync('node', ['--import', 'tsx', cli, 'build', repo, '--changed-since', 'HEAD', '--json'], { env, encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toBe('[]\n')
    expect(r.stderr).toMatch(/^nothing to build: none of 3 service\(s\) is affected by the 0 file\(s\) changed since HEAD/)
  }, 180_000)

  it('prints a JSON list a CI matrix takes, and the config selects all, through the CLI', async () => {
    appendFileSync(join(repo, 'platform/shared/shared.go'), '\n// touched\n')
    const cli = resolve('src/cli/main.ts')
    const r = spawnSync('node', ['--import', 'tsx', cli, 'affected', repo, '--since', 'main', '--json'], { env, encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout).map((s: { name: string; path: string }) => [s.name, s.path])).toEqual([
      ['a', 'platform/services/a'], ['b', 'platform/services/b'],
    ])
    // The config is an input of every service.
    appendFileSync(join(repo, 'gostatic.config.ts'), '// touched\n')
    const all = spawnSync('node', ['--import', 'tsx', cli, 'affected', repo], { env, encoding: 'utf8' })
    expect(all.stdout).toContain('c  platform/services/c  gostatic.config.ts changed (the config or a file it imports)')
    const bad = spawnSync('node', ['--import', 'tsx', cli, 'affected', repo, '--since', 'nope'], { env, encoding: 'utf8' })
    expect(bad.status).toBe(1)
    expect(bad.stderr).toMatch(/^error \[GIT_HISTORY\]: --since nope: git knows no commit by that name/)
    reset()
  }, 180_000)
})
