// The runtime-needs check on the Dagger engine gives the local engine's
// verdicts: the same rules fed the same binary facts, checked against the
// base the engine itself resolves (127.0.0.1:5000/library/alpine:3.20, the
// registry's busybox stand-in for alpine, has no zoneinfo). And the rendered
// Dockerfile, built by a real `docker build`, refuses what the engines refuse.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goService, type BuildResult, type GoService } from '../../src/index.js'
import { builderImage, missingDagger } from '../support/dagger.js'
import { docker, dockerEnv, dockerLoad, exec, missingDocker, runContainer } from '../support/runtime.js'
import { imageFiles } from '../support/image-files.js'
import { missing } from '../support/tools.js'
import { errorOf } from '../support/errors.js'
import { NEED_PROBES, SQLITE_SRC, writeModule } from '../e2e/needs-fixtures.js'

const run = promisify(execFile)
const REGISTRY = process.env['GOSTATIC_REGISTRY'] ?? '127.0.0.1:5000'
const ALPINE = `${REGISTRY}/library/alpine:3.20`
const skip = missingDagger() || missingDocker() || missing('go')
let dir: string
const images: string[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gostatic-dagger-needs-'))
})
afterAll(async () => {
  if (images.length) await docker(['rmi', '-f', ...images])
  await rm(dir, { recursive: true, force: true })
})


/** What a build says about needs: the report's verdicts, the needs warnings, the annotation. */
const needsOf = (r: BuildResult) => ({
  needs: r.report.targets.map((t) => t.needs),
  warnings: r.report.warnings.filter((w) => w.includes('): ')),
  annotation: r.images.map((i) => i.annotations['dev.gostatic.needs']),
})

describe.skipIf(skip)('dagger engine: runtime needs, as the local engine checks them', () => {
  const zone = NEED_PROBES.find((p) => p.need === 'zoneinfo')!
  let svc: GoService
  beforeAll(async () => {
    svc = goService({ name: 'zone', source: await writeModule(dir, 'zone', zone.src) }).builderImage(builderImage())
  })

  it.each([['scratch'], [ALPINE]])('zoneinfo on %s: the same warning and verdicts', async (runtime) => {
    const on = svc.runtime(runtime)
    const [local, dagger] = await Promise.all([on.build({ engine: 'local' }), on.build({ engine: 'dagger' })])
    expect(needsOf(dagger)).toEqual(needsOf(local))
    expect(dagger.report.targets[0]!.needs).toMatchObject({ status: 'checked', summary: 'tz missing' })
    const warning = 'zone (linux/amd64): zoneinfo (time.LoadLocation): no zone files in /usr/share/zoneinfo'
    expect(needsOf(dagger).warnings).toEqual([expect.stringContaining(warning)])
  })

  it('zoneinfo on static: both add every zone, and the Dagger image runs the lookup', async () => {
    const [local, dagger] = await Promise.all([svc.build({ engine: 'local' }), svc.build({ engine: 'dagger' })])
    expect(needsOf(dagger)).toEqual(needsOf(local))
    expect(needsOf(dagger).annotation).toEqual(['zoneinfo=added env-paths=met'])
    const tag = `gostatic.local/needs-dagger-zone:${process.pid}`
    const tar = (await dagger.exportTarball(join(dir, 'zone-dagger.tar'), { tag })).path
    const a = await imageFiles((await local.exportTarball(join(dir, 'zone-local.tar'))).path)
    const b = await imageFiles(tar)
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort())
    expect(b.get('/usr/share/zoneinfo/Asia/Shanghai')).toMatchObject({ type: 'file', mode: '644' })
    const image = await dockerLoad(tar)
    images.push(image)
    const r = await runContainer(image)
    expect({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr }).toEqual({
      exitCode: 0,
      stdout: '2024-01-01T20:00:00+08:00\n',
      stderr: '',
    })
  })

  it('refuses a go-sqlite3 program with the same CGO_STUB error', async () => {
    const source = await writeModule(dir, 'store', SQLITE_SRC, 'github.com/mattn/go-sqlite3 v1.14.24')
    await run('go', ['mod', 'tidy'], { cwd: source, env: { ...process.env, GOFLAGS: '-mod=mod', GOWORK: 'off' } })
    // Vendored: the Dagger builder reaches no module proxy here.
    await run('go', ['mod', 'vendor'], { cwd: source, env: { ...process.env, GOWORK: 'off' } })
    const store = goService({ name: 'store', source }).builderImage(builderImage()).mod('vendor')
    const [local, dagger] = await Promise.all([
      errorOf(store.build({ engine: 'local' })),
      errorOf(store.build({ engine: 'dagger' })),
    ])
    const said = (e: typeof local) => ({ code: e.code, message: e.message, hint: e.hint })
    expect(said(dagger)).toEqual(said(local))
    expect(dagger.code).toBe('CGO_STUB')
    expect(dagger.message).toContain('github.com/mattn/go-sqlite3')
    expect(dagger.hint).toContain('modernc.org/sqlite')
  })
})

describe.skipIf(skip)('rendered Dockerfile: the checks a real docker build runs', () => {
  const dockerBuild = async (svc: GoService, context: string, tag: string) => {
    const file = join(dir, `Dockerfile.${tag.replace(/[^a-z0-9]+/g, '-')}`)
    await writeFile(file, svc.dockerfile())
    const args = ['build', '--progress', 'plain', '-f', file, '--build-arg', `GO_IMAGE=${builderImage()}`]
    args.push('-t', tag, context)
    // Docker 20.10's client has BuildKit built in (the newer client on PATH wants a buildx plugin).
    return exec('/usr/bin/docker', args, { env: { ...dockerEnv(), DOCKER_BUILDKIT: '1' }, timeoutMs: 600_000 })
  }
  const exists = async (tag: string) => (await docker(['image', 'inspect', tag])).exitCode === 0

  it('refuses a dynamically linked binary with readelf: a PIE build has a program interpreter', async () => {
    const source = await writeModule(dir, 'pie', NEED_PROBES.find((p) => p.need === 'users')!.src)
    const svc = goService({ name: 'pie', source }).buildmode('pie')
    const tag = `gostatic-test/needs-pie:${process.pid}`
    const b = await dockerBuild(svc, source, tag)
    expect(b.exitCode).not.toBe(0)
    expect(b.stderr).toContain(
      "gostatic: /out/pie is dynamically linked. On scratch or a static base it would die with 'exec /usr/local/bin/pie",
    )
    expect(b.stderr).toMatch(/\[Requesting program interpreter: \/lib[^\]]*\]/)
    expect(await exists(tag)).toBe(false)
    // The engines refuse the same binary.
    expect((await errorOf(svc.build({ engine: 'local' }))).code).toBe('NOT_STATIC')
  })

  it('refuses a go-sqlite3 program from its build info, naming modernc.org/sqlite', async () => {
    const source = await writeModule(dir, 'store-vendored', SQLITE_SRC, 'github.com/mattn/go-sqlite3 v1.14.24')
    const goEnv = { ...process.env, GOFLAGS: '-mod=mod', GOWORK: 'off' }
    await run('go', ['mod', 'tidy'], { cwd: source, env: goEnv })
    // Vendored, so the docker build needs no module proxy.
    await run('go', ['mod', 'vendor'], { cwd: source, env: goEnv })
    const tag = `gostatic-test/needs-store:${process.pid}`
    const b = await dockerBuild(goService({ name: 'store', source }).mod('vendor'), source, tag)
    expect(b.exitCode).not.toBe(0)
    expect(b.stderr).toContain(
      'gostatic: /out/store links github.com/mattn/go-sqlite3, which compiles a stub with CGO_ENABLED=0 ' +
        'that fails at run time: replace it with modernc.org/sqlite',
    )
    expect(await exists(tag)).toBe(false)
  })

  it('builds and runs a static binary that passes every check', async () => {
    const temp = NEED_PROBES.find((p) => p.need === 'temp-dir')!
    const source = await writeModule(dir, 'temp', temp.src)
    const tag = `gostatic-test/needs-temp:${process.pid}`
    const b = await dockerBuild(goService({ name: 'temp', source }), source, tag)
    expect(b.exitCode, b.stderr).toBe(0)
    images.push(tag)
    const r = await runContainer(tag)
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: '' })
    expect(r.stdout).toMatch(temp.ok)
  })
})
