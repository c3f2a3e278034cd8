// Needs that come from the image config, in real containers: a TZ in the
// image env, SSL_CERT_FILE naming a bundle, and a home the program writes
// into. On a bare image base (the naive image) the program shows the failure
// (UTC instead of the zone, an unknown authority, a home it cannot write)
// and the build warns naming the variable; strict fails the build; on the
// default static base gostatic adds what is missing and the program works.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goService, type BuildResult, type NeedVerdict } from '../../src/index.js'
import { docker, dockerLoad, missingDocker, missingRegistry, runContainer } from '../support/runtime.js'
import { missing } from '../support/tools.js'
import { errorOf } from '../support/errors.js'
import { CA_VERIFY_SRC, pushBareBase, writeModule } from './needs-fixtures.js'

const skip = missing('go', 'skopeo') || missingDocker() || (await missingRegistry())
let dir: string
let bare: string
const images: string[] = []

beforeAll(async () => {
  if (skip) return
  dir = await mkdtemp(join(tmpdir(), 'gostatic-needs-config-'))
  bare = await pushBareBase(dir)
})
afterAll(async () => {
  if (images.length) await docker(['rmi', '-f', ...images])
  if (dir) await rm(dir, { recursive: true, force: true })
})

const main = (imports: string[], body: string): string =>
  `package main\n\nimport (\n${imports.map((i) => `\t"${i}"`).join('\n')}\n)\n\nfunc main() {\n${body}\n}\n`

interface ConfigProbe {
  readonly need: 'local-zone' | 'env-paths' | 'home'
  readonly src: string
  readonly env: Record<string, string>
  /** The naive image's output: the failure the need predicts. */
  readonly naive: { readonly exitCode: number; readonly out: RegExp }
  readonly ok: RegExp
}

const PROBES: readonly ConfigProbe[] = [
  {
    need: 'local-zone',
    src: main(['fmt', 'time'], '\tfmt.Println(time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).Local().Format(time.RFC3339))'),
    env: { TZ: 'Asia/Tokyo' },
    naive: { exitCode: 0, out: /^2024-01-01T12:00:00Z\n$/ },
    ok: /^2024-01-01T21:00:00\+09:00\n$/,
  },
  {
    need: 'env-paths',
    src: CA_VERIFY_SRC,
    env: { SSL_CERT_FILE: '/etc/app/roots.pem' },
    naive: { exitCode: 1, out: /x509: certificate signed by unknown authority/ },
    ok: /^verified \S/,
  },
  {
    need: 'home',
    src: main(
      ['fmt', 'os', 'path/filepath'],
      '\tdir, err := os.UserCacheDir()\n\tif err == nil {\n\t\terr = os.MkdirAll(filepath.Join(dir, "probe"), 0o700)\n\t}\n' +
        '\tif err == nil {\n\t\terr = os.WriteFile(filepath.Join(dir, "probe", "state"), []byte("ok"), 0o600)\n\t}\n' +
        '\tif err != nil {\n\t\tfmt.Fprintln(os.Stderr, "probe:", err)\n\t\tos.Exit(1)\n\t}\n\tfmt.Println("wrote under", dir)',
    ),
    env: { HOME: '/var/lib/app' },
    naive: { exitCode: 1, out: /^probe: mkdir \/var[/a-z]*: permission denied\n$/ },
    ok: /^wrote under \/var\/lib\/app\/\.cache\n$/,
  },
]

interface Built {
  readonly result: BuildResult
  readonly verdict: NeedVerdict
  readonly image: string
}

async function build(p: ConfigProbe, runtime: string): Promise<Built> {
  const source = await writeModule(dir, `config-${p.need}`, p.src)
  const svc = goService({ name: `config-${p.need}`, source }).runtime(runtime).user('65532:65532').runtimeEnv(p.env)
  const result = await svc.build({ engine: 'local' })
  const needs = result.report.targets[0]!.needs
  if (needs.status !== 'checked') throw new Error(`needs not checked: ${JSON.stringify(needs)}`)
  const verdict = needs.verdicts.find((v) => v.id === p.need)
  if (verdict === undefined) throw new Error(`no ${p.need} verdict in ${JSON.stringify(needs.verdicts)}`)
  const tag = `gostatic.local/config-${p.need}-${runtime.replace(/[^a-z0-9]+/g, '-')}:${process.pid}`
  const tar = await result.exportTarball(join(dir, `${p.need}-${images.length}.tar`), { tag })
  const image = await dockerLoad(tar.path)
  images.push(image)
  return { result, verdict, image }
}

describe.skipIf(skip).each(PROBES.map((p) => [p.need, p] as const))('image-config need %s', (need, p) => {
  const variable = Object.keys(p.env)[0]!
  it(`the naive image (a bare base): the build warns naming ${variable}, and the program fails as it says`, async () => {
    const b = await build(p, bare)
    expect(b.verdict.status).toBe('unmet')
    const warnings = b.result.report.warnings.filter((w) => w.includes(`: ${need} (`))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(variable)
    const r = await runContainer(b.image)
    expect(r.exitCode).toBe(p.naive.exitCode)
    expect(r.stdout + r.stderr).toMatch(p.naive.out)
  })

  it('a bare base with needs({ strict: true }): the build fails naming the need and the variable', async () => {
    const source = await writeModule(dir, `config-${p.need}`, p.src)
    const svc = goService({ name: `config-${need}`, source }).runtime(bare).user('65532:65532').runtimeEnv(p.env)
    const err = await errorOf(svc.needs({ strict: true }).build({ engine: 'local' }))
    expect(err.code).toBe('NEEDS_UNMET')
    const line = err.message.split('\n').find((l) => l.startsWith(`  - ${need} (`))
    expect(line).toContain(variable)
  })

  it('static (the default): gostatic adds what the variable asks for and the program works', async () => {
    const b = await build(p, 'static')
    expect(b.verdict.status).toBe('added')
    expect(b.result.report.warnings).toEqual([])
    const r = await runContainer(b.image)
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: '' })
    expect(r.stdout).toMatch(p.ok)
  })
})
