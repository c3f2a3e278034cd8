import { describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCLI } from '../../src/cli/parse-cli.js'
import { servicesFromFlags } from '../../src/cli/services-from-flags.js'
import { formatError } from '../../src/cli/main.js'
import { GostaticError } from '../../src/index.js'
import { decideEngine } from '../../src/engines/build.js'

describe('parseCLI', () => {
  it('parses plan with a folder, repeatable and comma-separated platforms, and --json', () => {
    const c = parseCLI(['plan', 'examples/hello', '--platform', 'linux/amd64', '--platform', 'linux/arm64,linux/arm/v7', '--json', '--strip'])
    expect(c).toMatchObject({ kind: 'plan', dir: 'examples/hello', json: true, flags: { platform: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'], strip: true } })
  })
  it("defaults the folder to '.' and the engine to local, as the API's build() does", () => {
    expect(parseCLI(['build'])).toMatchObject({ kind: 'build', dir: '.', flags: { engine: 'local' } })
    expect(decideEngine(undefined, {}).engine).toBe('local')
    expect(parseCLI(['build', '--engine', 'auto'])).toMatchObject({ flags: { engine: 'auto' } })
  })
  it('refuses an unknown option, naming it', () => {
    expect(() => parseCLI(['plan', '--bogus'])).toThrow(/unknown flag --bogus/)
  })
  it('refuses a bad --engine with the allowed values', () => {
    expect(() => parseCLI(['build', '--engine', 'podman'])).toThrow(/--engine is 'local', 'dagger' or 'auto'/)
  })
  it('takes --reporter for build progress, and refuses a kind it does not know', () => {
    expect(parseCLI(['build', '--reporter', 'json'])).toMatchObject({ flags: { reporter: 'json' } })
    const plain = parseCLI(['build'])
    expect(plain.kind === 'build' ? plain.flags.reporter : 'not build').toBeUndefined()
    expect(() => parseCLI(['build', '--reporter', 'fancy'])).toThrow(/--reporter is 'auto', 'plain', 'json' or 'silent'/)
  })
  it('refuses an unknown command, listing the commands', () => {
    expect(() => parseCLI(['frobnicate'])).toThrow(/unknown command 'frobnicate'; commands: plan, dockerfile, build, affected, inspect, sbom, doctor, init, resolve, apply/)
  })
  it('shows help for a command, listing its flags', () => {
    const c = parseCLI(['plan', '--help'])
    expect(c.kind).toBe('help')
    expect(c.kind === 'help' && c.text).toContain('--runtime <base>')
  })
  it("says in build --help that the engine defaults to local", () => {
    const c = parseCLI(['build', '--help'])
    expect(c.kind === 'help' && c.text).toMatch(/--engine <engine>\s+'local' \(default, as in the API\)/)
  })

  it('takes --registry-concurrency (1-64) and shows it in build --help', () => {
    const c = parseCLI(['build', '--registry-concurrency', '3'])
    expect(c.kind === 'build' && c.flags.registryConcurrency).toBe(3)
    expect(() => parseCLI(['build', '--registry-concurrency', '0'])).toThrow(/--registry-concurrency takes a whole number/)
    expect(() => parseCLI(['build', '--registry-concurrency', '65'])).toThrow(/--registry-concurrency takes a whole number from 1 to 64/)
    const help = parseCLI(['build', '--help'])
    expect(help.kind === 'help' && help.text).toMatch(/--registry-concurrency <n>\s+Blob uploads and downloads at once/)
  })

  it('shows help when run with no arguments', () => {
    expect(parseCLI([]).kind).toBe('help')
  })
})

function flagsOf(argv: string[]) {
  const c = parseCLI(argv)
  if (c.kind !== 'plan') throw new Error(`expected plan, got ${c.kind}`)
  return c.flags
}

describe('services from flags and gostatic.config.ts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gostatic-cli-'))
  writeFileSync(join(dir, 'go.mod'), 'module example.com/x\n\ngo 1.22\n')

  it('--cgo makes a static cgo build, --cgo=musl-gcc names the toolchain, and anything else is refused', async () => {
    const [zig] = await servicesFromFlags(dir, flagsOf(['plan', dir, '--cgo']))
    expect(zig!.toSpec().cgo).toEqual({})
    const [musl] = await servicesFromFlags(dir, flagsOf(['plan', dir, '--cgo=musl-gcc']))
    expect(musl!.toSpec().cgo).toEqual({ toolchain: 'musl-gcc' })
    expect(() => parseCLI(['plan', dir, '--cgo=gcc'])).toThrow('--cgo takes no value or one of zig, musl-gcc')
    const help = parseCLI(['build', '--help'])
    expect(help.kind === 'help' && help.text).toContain('--cgo [toolchain]')
  })

  it('makes one service named after the folder, with flags applied', async () => {
    const [s] = await servicesFromFlags(dir, flagsOf(['plan', dir, '--runtime', 'scratch', '--go', '1.23']))
    expect(s!.toSpec()).toMatchObject({ runtime: 'scratch', go: '1.23', source: dir })
  })
  it('loads defineConfig services and resolves sources against the config file', async () => {
    const cdir = mkdtempSync(join(tmpdir(), 'gostatic-cfg-'))
    mkdirSync(join(cdir, 'svc'))
    writeFileSync(join(cdir, 'svc', 'go.mod'), 'module example.com/svc\n\ngo 1.22\n')
    writeFileSync(
      join(cdir, 'gostatic.config.ts'),
      `import { defineConfig, goService } from ${JSON.stringify(join(process.cwd(), 'src/index.ts'))}\n` +
        `export default defineConfig({ services: [goService({ name: 'api', source: 'svc' }).strip(), { name: 'worker', source: 'svc', runtime: 'scratch' }] })\n`,
    )
    const all = await servicesFromFlags(cdir, flagsOf(['plan', cdir]))
    expect(all.map((s) => s.toSpec())).toMatchObject([{ name: 'api', strip: true, source: join(cdir, 'svc') }, { name: 'worker', runtime: 'scratch' }])
    const one = await servicesFromFlags(cdir, flagsOf(['plan', cdir, '--service', 'worker']))
    expect(one.map((s) => s.name)).toEqual(['worker'])
    await expect(servicesFromFlags(cdir, flagsOf(['plan', cdir, '--service', 'nope']))).rejects.toThrow(/--service nope: not in .*; it has api, worker/)
  })
  it('says what to do when the folder has no go.mod and no config', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'gostatic-empty-'))
    await expect(servicesFromFlags(empty, flagsOf(['plan', empty]))).rejects.toThrow(/has neither go.mod nor gostatic.config.ts/)
  })
  it('prints user mistakes as a message and a hint, not a stack trace', () => {
    const out = formatError(new GostaticError('INVALID_SPEC', 'bad user', { hint: 'use 65532:65532' }))
    expect(out).toBe('error [INVALID_SPEC]: bad user\nhint: use 65532:65532\n')
  })
})
