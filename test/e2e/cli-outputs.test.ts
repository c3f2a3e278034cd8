// Where `gostatic build` puts what it makes, through the real CLI: its own
// folder (gostatic-out/, out of git and of `npm pack`) unless --out says
// otherwise, and no archive at all when --push or --load ship the image.
import { afterAll, describe, expect, it } from 'vitest'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { missing } from '../support/tools.js'
import { runCli } from '../support/cli.js'
import { REGISTRY, docker, dockerEnv, missingDocker, missingRegistry, runContainer } from '../support/runtime.js'
import { npm } from '../support/pack.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-cli-outputs-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A copy of examples/hello in its own folder, and an empty folder to run the CLI from. */
function helloCopy(name: string): { src: string; cwd: string } {
  const src = join(tmp, name, 'hello')
  cpSync(resolve('examples/hello'), src, { recursive: true })
  const cwd = join(tmp, name, 'cwd')
  mkdirSync(cwd)
  return { src, cwd }
}

describe.skipIf(missing('go'))('gostatic build: outputs in their own place', () => {
  it('writes gostatic-out/<name>.tar with a .gitignore there when --out is not given', async () => {
    const { src, cwd } = helloCopy('default')
    const r = await runCli(['build', src, '--reporter', 'silent'], { cwd })
    expect(r.code, r.stderr).toBe(0)
    expect(readdirSync(join(cwd, 'gostatic-out')).sort()).toEqual(['.gitignore', 'hello.tar'])
    expect(readFileSync(join(cwd, 'gostatic-out', '.gitignore'), 'utf8')).toMatch(/^\*$/m)
    expect(r.stdout).toContain(`hello: ${join(cwd, 'gostatic-out', 'hello.tar')}`)
    expect(existsSync(join(cwd, 'dist'))).toBe(false)
  })

  it('takes -o as --out and writes only there', async () => {
    const { src, cwd } = helloCopy('short-o')
    const r = await runCli(['build', src, '-o', 'images/h.tar', '--reporter', 'silent'], { cwd })
    expect(r.code, r.stderr).toBe(0)
    expect(readdirSync(join(cwd, 'images'))).toEqual(['h.tar'])
    expect(existsSync(join(cwd, 'gostatic-out'))).toBe(false)
  })

  it('a checkout that built the examples packs no image (npm pack)', async () => {
    // The checkout as git has it, with this tree's node_modules and freshly built dist/.
    const checkout = join(tmp, 'checkout')
    const listed = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { encoding: 'utf8' })
    for (const f of listed.split('\0').filter(Boolean)) {
      if (!existsSync(f)) continue
      mkdirSync(dirname(join(checkout, f)), { recursive: true })
      cpSync(f, join(checkout, f))
    }
    symlinkSync(resolve('node_modules'), join(checkout, 'node_modules'))
    cpSync(resolve('dist'), join(checkout, 'dist'), { recursive: true })
    // The CLI from the checkout's root, and the example's own pipeline, as the README runs them.
    const cli = await runCli(['build', 'examples/hello', '--reporter', 'silent'], { cwd: checkout })
    expect(cli.code, cli.stderr).toBe(0)
    const tsx = resolve('node_modules/.bin/tsx')
    execFileSync(tsx, ['examples/hello/pipeline.ts'], { cwd: checkout, env: { ...process.env, CI: 'true' } })
    expect(existsSync(join(checkout, 'gostatic-out', 'hello.tar'))).toBe(true)
    expect(existsSync(join(checkout, 'examples', 'hello', 'gostatic-out', 'hello.tar'))).toBe(true)
    const [pack] = JSON.parse(npm(checkout, ['pack', '--dry-run', '--json', '--ignore-scripts'])) as [
      { files: { path: string }[]; size: number },
    ]
    const files = pack.files.map((f) => f.path)
    expect(files).toContain('dist/index.js')
    expect(files.filter((f) => f.endsWith('.tar') || f.includes('gostatic-out'))).toEqual([])
  })
})

const noRegistry = missing('go') || (await missingRegistry())
describe.skipIf(noRegistry)('gostatic build --push', () => {
  it('writes no archive unless --out is given', async () => {
    const { src, cwd } = helloCopy('push')
    const ref = `${REGISTRY}/gostatic-test/cli-outputs-${process.pid}:1`
    const r = await runCli(['build', src, '--push', ref, '--reporter', 'silent'], { cwd })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`hello: pushed ${ref.replace(/[.]/g, '\\.')}@sha256:[0-9a-f]{64}`))
    expect(readdirSync(cwd)).toEqual([])
    const withOut = await runCli(['build', src, '--push', ref, '--out', 'h.tar', '--reporter', 'silent'], { cwd })
    expect(withOut.code, withOut.stderr).toBe(0)
    expect(readdirSync(cwd)).toEqual(['h.tar'])
  })
})

describe.skipIf(missing('go') || missingDocker())('gostatic build --load', () => {
  it('loads the image into the daemon and writes no archive', async () => {
    const { src, cwd } = helloCopy('load')
    const args = ['build', src, '--name', `cli-load-${process.pid}`, '--load', '--reporter', 'silent']
    const r = await runCli(args, { cwd, env: dockerEnv() })
    expect(r.code, r.stderr).toBe(0)
    const tag = `gostatic.local/cli-load-${process.pid}:latest`
    expect(r.stdout).toContain(`loaded ${tag}`)
    expect(readdirSync(cwd)).toEqual([])
    // Its binary layer went in uncompressed (nothing but the daemon reads it); the image runs all the same.
    const run = await runContainer(tag, { args: ['-version'] })
    expect(run.stdout).toMatch(/^hello /)
    await docker(['rmi', '-f', tag])
  })
})
