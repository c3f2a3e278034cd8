// gostatic as a package: packed once with `npm pack`, installed from the
// tarball into fresh projects (ESM, CommonJS, strict TypeScript), and used the
// way the README says: plain node, require(), the CLI with a config file,
// `npx tsx pipeline.ts`, and all of it without the optional Dagger SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { missing } from '../support/tools.js'
import { consumerProject, packCheckout, runIn } from '../support/pack.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-package-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const hello = resolve('examples/hello')
const noGo = missing('go')
// The versions this repo's lock has, so npm finds them in its cache.
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version: string }> }
const locked = (name: string) => `${name}@${lock.packages[`node_modules/${name}`]!.version}`
const run = runIn
// `npx --no` never fetches a package of that name from the registry: gostatic must come from the project.
const gostatic = (cwd: string, args: string[], env?: NodeJS.ProcessEnv) =>
  run(cwd, 'npx', ['--no', '--', 'gostatic', ...args], env)

let tarball = ''
let esm = ''
let cjs = ''
beforeAll(() => {
  tarball = packCheckout(tmp)
  esm = consumerProject(join(tmp, 'esm'), { type: 'module' }, [tarball])
  cjs = consumerProject(join(tmp, 'cjs'), {}, [tarball])
})

describe('the packed tarball', () => {
  it('holds compiled JS, declarations and their maps, the bin and the README; no TypeScript sources', async () => {
    const r = await run(tmp, 'tar', ['-tzf', tarball])
    const files = r.stdout.split('\n').filter(Boolean)
    const expected = ['dist/index.js', 'dist/index.d.ts', 'dist/index.d.ts.map', 'dist/cli/main.js', 'dist/engines/dagger/dagger-types.d.ts',
      'bin/gostatic.js', 'README.md', 'package.json']
    expect(files).toEqual(expect.arrayContaining(expected.map((f) => `package/${f}`)))
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([])
  })

  it('installs without the Dagger SDK, which stays an optional peer', () => {
    expect(existsSync(join(esm, 'node_modules/gostatic/dist/index.js'))).toBe(true)
    expect(existsSync(join(esm, 'node_modules/@dagger.io/dagger'))).toBe(false)
  })
})

describe('the public surface', () => {
  // index.ts exports what the README documents and what the CLI calls; a name added or dropped is a choice.
  it('exports exactly these values (types are checked by the strict consumer)', async () => {
    const r = await run(esm, 'node', ['--input-type=module', '-e',
      "const m = await import('gostatic'); console.log(JSON.stringify(Object.keys(m).sort()))"])
    expect(JSON.parse(r.stdout)).toEqual([
      'CGO_TOOLCHAINS', 'CONFIG_NAMES', 'CgoFactsSchema', 'CgoOptionsSchema', 'DEFAULT_GO_VERSION',
      'DoctorOptionsSchema', 'ErrorCode', 'ExtraFileSchema', 'GoService', 'GoWorkspace', 'GostaticError',
      'KNOWN_CGO_MODULES', 'ModuleFactsSchema', 'PLATFORMS', 'PLATFORM_NAMES', 'RegistryTimeoutError',
      'SBOM_FORMATS', 'SecretSchema', 'ServiceSpecSchema', 'ToolError', 'UpxOptionsSchema', 'VERSION',
      'affectedServices', 'buildPlan', 'buildWorkspace', 'createReporter', 'daggerReachable', 'defineConfig',
      'digestRef',
      'doctor', 'explainPlan', 'findConfig', 'goService', 'goWorkspace', 'inspect', 'inspectHtml',
      'isGostaticError', 'loadConfig', 'loadSigner', 'parseImageRef', 'parseServiceSpec', 'plan',
      'publishOciArchive', 'publishRef', 'pushTargets', 'readCgoFacts', 'readModuleFacts', 'reasonText', 'renderDockerfile',
      'renderDockerignore', 'renderDoctorText', 'renderInspectText', 'sbom', 'sourceOf', 'strictFailures',
      'withTagVersion', 'writeImageRefs', 'writeReportHtml',
    ])
  })
})

describe('an ESM project', () => {
  it.skipIf(noGo)('imports goService in plain node, plans and builds examples/hello locally, and writes an archive', async () => {
    writeFileSync(join(esm, 'app.mjs'), `
import { goService } from 'gostatic'
const svc = goService({ name: 'hello', source: process.argv[2] }).strip().runtime('static')
const plan = svc.plan()
const result = await svc.build({ engine: 'local' })
const archive = await result.exportTarball(process.argv[3])
console.log(JSON.stringify({ steps: plan.steps.length, path: archive.path, static: result.report.targets[0].elf.isStatic }))
`)
    const out = join(tmp, 'esm-hello.tar')
    const r = await run(esm, 'node', ['app.mjs', hello, out])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ path: out, static: true })
    expect(readFileSync(out).subarray(257, 262).toString()).toBe('ustar')
    // The default reporter, on a pipe, prints plain progress lines to stderr.
    expect(r.stderr).toMatch(/^ {2}hello linux\/amd64: go-build \(\d+ ms\)/m)
    expect(r.stderr).toMatch(/^ {2}hello: done, linux\/amd64 [\d.]+ (KiB|MiB) static$/m)
  })

  it('without the Dagger SDK: engine dagger is an error naming the package, auto builds locally and says why', async () => {
    writeFileSync(join(esm, 'engines.mjs'), `
import { goService } from 'gostatic'
const svc = goService({ name: 'hello', source: process.argv[2] })
const err = await svc.build({ engine: 'dagger', reporter: 'silent' }).then(() => null, (e) => e)
console.log(JSON.stringify({ name: err?.name, code: err?.code, message: err?.message, hint: err?.hint }))
if (process.argv[3] === 'auto') await svc.build({ engine: 'auto', reporter: 'plain' })
`)
    // Even with an engine configured, auto can't use Dagger without its SDK.
    const engineConfigured = { _EXPERIMENTAL_DAGGER_RUNNER_HOST: 'tcp://127.0.0.1:1' }
    const r = await run(esm, 'node', ['engines.mjs', hello, noGo ? 'no' : 'auto'], engineConfigured)
    expect(r.exitCode, r.stderr).toBe(0)
    const err = JSON.parse(r.stdout.split('\n')[0]!) as Record<string, string>
    expect(err).toMatchObject({ name: 'GostaticError', code: 'ENGINE_UNAVAILABLE' })
    expect(err['message']).toContain('@dagger.io/dagger')
    expect(err['hint']).toContain('npm install @dagger.io/dagger')
    if (!noGo) {
      expect(r.stderr).toContain('hello: engine auto: using local (the Dagger SDK, @dagger.io/dagger, is not installed)')
      expect(r.stderr).toMatch(/hello: done, linux\/amd64/)
    }
  })

  it('the CLI says the same for --engine dagger, with the install command as the hint', async () => {
    const r = await gostatic(esm, ['build', hello, '--engine', 'dagger', '--out', join(tmp, 'never.tar')])
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('error [ENGINE_UNAVAILABLE]')
    expect(r.stderr).toMatch(/^hint: npm install @dagger\.io\/dagger/m)
    expect(existsSync(join(tmp, 'never.tar'))).toBe(false)
  })

  it('loads gostatic.config.ts and an ESM gostatic.config.js', async () => {
    writeFileSync(join(esm, 'gostatic.config.ts'), `
import { defineConfig, goService, type GostaticConfig } from 'gostatic'
const config: GostaticConfig = { services: [goService({ name: 'from-ts', source: ${JSON.stringify(hello)} })] }
export default defineConfig(config)
`)
    writeFileSync(join(esm, 'esm.config.js'), `import { defineConfig } from 'gostatic'
export default defineConfig({ services: [{ name: 'from-js', source: ${JSON.stringify(hello)} }] })
`)
    for (const [args, name] of [[[], 'from-ts'], [['--config', 'esm.config.js'], 'from-js']] as const) {
      const r = await gostatic(esm, ['plan', '.', '--json', ...args])
      expect(r.exitCode, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout)).toMatchObject({ service: name })
    }
  })
})

describe('a CommonJS project (no "type")', () => {
  it('require()s gostatic', async () => {
    writeFileSync(join(cjs, 'app.cjs'), `
const { goService, plan, GostaticError } = require('gostatic')
const p = plan(goService({ name: 'hello', source: process.argv[2] }).toSpec())
console.log(JSON.stringify({ service: p.service, steps: p.steps.length, error: typeof GostaticError }))
`)
    const r = await run(cjs, 'node', ['app.cjs', hello])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ service: 'hello', error: 'function' })
    expect(r.stderr).toBe('')
  })

  it('npx gostatic plan loads gostatic.config.ts, .mts and a CommonJS .js', async () => {
    const svc = (name: string) => `goService({ name: '${name}', source: ${JSON.stringify(hello)} }).strip()`
    const esmSyntax = (name: string) =>
      `import { defineConfig, goService } from 'gostatic'\nexport default defineConfig({ services: [${svc(name)}] })\n`
    writeFileSync(join(cjs, 'gostatic.config.ts'), esmSyntax('from-ts'))
    writeFileSync(join(cjs, 'other.config.mts'), esmSyntax('from-mts'))
    writeFileSync(join(cjs, 'cjs.config.js'),
      `const { defineConfig, goService } = require('gostatic')\nmodule.exports = defineConfig({ services: [${svc('from-js')}] })\n`)
    const cases = [[[], 'from-ts'], [['--config', 'other.config.mts'], 'from-mts'], [['--config', 'cjs.config.js'], 'from-js']] as const
    for (const [args, name] of cases) {
      const r = await gostatic(cjs, ['plan', '.', '--json', ...args])
      expect(r.exitCode, `${name}: ${r.stderr}`).toBe(0)
      const strip = expect.objectContaining({ kind: 'strip' })
      expect(JSON.parse(r.stdout)).toMatchObject({ service: name, steps: expect.arrayContaining([strip]) })
    }
  })
})

describe('a strict TypeScript project', () => {
  let ts = ''
  const tsconfig = (extra: object) => JSON.stringify({
    compilerOptions: {
      target: 'ES2023', module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'], noEmit: true,
      strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, ...extra,
    },
    include: ['*.ts'],
  })
  beforeAll(() => {
    // This project has the Dagger SDK, so gostatic's Dagger options carry its types; the ESM project has none.
    const tools = ['typescript', '@types/node', 'tsx', '@dagger.io/dagger'].map(locked)
    ts = consumerProject(join(tmp, 'ts'), { type: 'module' }, [tarball, ...tools])
    writeFileSync(join(ts, 'tsconfig.json'), tsconfig({}))
    writeFileSync(join(ts, 'dagger.ts'), `import { connection, dag } from '@dagger.io/dagger'
import { goService } from 'gostatic'
export const viaDagger = () => connection(async () => {
  const r = await goService({ name: 'hello', source: '.' }).build({ engine: 'dagger', dag, source: dag.host().directory('.') })
  console.log(await r.containers?.get('linux/amd64')?.withExec(['/hello', '--version']).stdout())
})
// @ts-expect-error with the SDK installed, dag is its Client, not any value
export const wrong = () => goService({ name: 'hello', source: '.' }).build({ engine: 'dagger', dag: 42 })
`)
    writeFileSync(join(ts, 'pipeline.ts'), `
import { goService, goWorkspace, defineConfig, inspect, isGostaticError, GostaticError } from 'gostatic'
import type { BuildOptions, BuildResult, EngineEvent, GostaticConfig, ReporterChoice, WorkspaceResult, InspectReport } from 'gostatic'

const events: EngineEvent[] = []
const reporter: ReporterChoice = process.env['QUIET'] ? 'silent' : 'json'
const options: BuildOptions = { engine: 'local' }
export const svc = goService({ name: 'hello', source: process.argv[2] ?? '.' }).strip().runtime('static').timezones(['Europe/Berlin'])
export const config: GostaticConfig = defineConfig({ services: [svc] })
export const ws = goWorkspace({ root: '.' }).defaults((s) => s.strip())
export type Later = WorkspaceResult | InspectReport

if (process.argv[3]) {
  const result: BuildResult = await svc.build({ ...options, reporter, onEvent: (e) => void events.push(e) })
  const archive = await result.exportTarball(process.argv[3])
  const report = await inspect(archive.path)
  console.log(JSON.stringify({ events: events.length, targets: result.report.targets.length, kind: report.kind }))
}
export function describeError(e: unknown): string {
  return isGostaticError(e) ? e.code : e instanceof GostaticError ? 'never' : String(e)
}
`)
  })

  it('type-checks a pipeline on the public types: strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess, skipLibCheck: false', async () => {
    const r = await run(ts, 'npx', ['--no', '--', 'tsc', '-p', '.'])
    expect(r.stdout + r.stderr).toBe('')
    expect(r.exitCode).toBe(0)
  })

  it('type-checks the same pipeline, under the same flags, in a project without the Dagger SDK', async () => {
    cpSync(join(ts, 'pipeline.ts'), join(esm, 'pipeline.ts'))
    writeFileSync(join(esm, 'tsconfig.json'), tsconfig({ typeRoots: [join(ts, 'node_modules/@types')] }))
    expect(existsSync(join(esm, 'node_modules/@dagger.io/dagger'))).toBe(false)
    const r = await run(esm, process.execPath, [join(ts, 'node_modules/typescript/bin/tsc'), '-p', '.'])
    expect(r.stdout + r.stderr).toBe('')
    expect(r.exitCode).toBe(0)
  })

  it.skipIf(noGo)('runs with `npx tsx pipeline.ts`, the json reporter writing one event per line to stderr', async () => {
    const out = join(tmp, 'tsx-hello.tar')
    const r = await run(ts, 'npx', ['--no', '--', 'tsx', 'pipeline.ts', hello, out])
    expect(r.exitCode, r.stderr).toBe(0)
    const summary = JSON.parse(r.stdout) as { events: number; targets: number; kind: string }
    expect(summary).toMatchObject({ targets: 1, kind: 'image' })
    const lines = r.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string; service: string })
    // Every event reached both the reporter and onEvent; the reporter adds the service's outcome.
    expect(lines.filter((l) => l.kind !== 'service-done')).toHaveLength(summary.events)
    expect(lines.at(-1)).toMatchObject({ kind: 'service-done', service: 'hello', ok: true })
    expect(existsSync(out)).toBe(true)
  })
})
