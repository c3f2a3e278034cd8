// CLI flags and arguments a user gets wrong, run through the real CLI
// (bin/gostatic.js) in an empty working folder with a private TMPDIR.
import { afterAll, describe, expect, it } from 'vitest'
import { mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ErrorCode } from '../../src/errors.js'
import { caseDirs, corpusRoot, expectCliError, expectNothingLeft, expectNoStack, runCli, type CaseDirs, type Expected } from './harness.js'

const root = corpusRoot('cli')
afterAll(() => rmSync(root, { recursive: true, force: true }))

const hello = resolve('examples/hello')
const C = ErrorCode.USAGE
type Case = Expected & { readonly name: string; readonly args: (d: CaseDirs) => string[] }

const cases: Case[] = [
  // Empty values: cac would turn '' into 0, planning a root image or writing a file named 0.
  { name: "--user ''", args: () => ['plan', hello, '--user', ''], code: C, names: '--user is empty', allowed: "a numeric 'uid:gid'" },
  { name: "--go ''", args: () => ['plan', hello, '--go', ''], code: C, names: '--go is empty', allowed: "a Go version like '1.23'" },
  { name: "--platform ''", args: () => ['plan', hello, '--platform', ''], code: C, names: "--platform '' has an empty item", allowed: 'linux/amd64, linux/arm64' },
  { name: "--platform ','", args: () => ['plan', hello, '--platform', ','], code: C, names: "--platform ','", allowed: 'comma-separated or repeated' },
  { name: "--platform 'linux/amd64,,'", args: () => ['plan', hello, '--platform', 'linux/amd64,,'], code: C, names: "--platform 'linux/amd64,,'", allowed: 'has an empty item' },
  { name: "--out ''", args: () => ['build', hello, '--engine', 'local', '--out', ''], code: C, names: '--out is empty', allowed: 'the path of the OCI archive' },
  { name: '--out= (nothing after =)', args: () => ['build', hello, '--engine', 'local', '--out='], code: C, names: '--out <path>` value is missing', allowed: 'see gostatic build --help' },
  { name: "--push ''", args: (d) => ['build', hello, '--engine', 'local', '--out', d.out, '--push', ''], code: C, names: '--push is empty', allowed: 'a registry reference like' },
  { name: "--runtime ''", args: () => ['plan', hello, '--runtime', ''], code: C, names: '--runtime is empty', allowed: "'scratch', 'static' or an image reference" },
  { name: "--name ''", args: () => ['plan', hello, '--name', ''], code: C, names: '--name is empty', allowed: 'a service name' },
  { name: "--main ''", args: () => ['plan', hello, '--main', ''], code: C, names: '--main is empty', allowed: "like '.' or './cmd/api'" },
  { name: "--config ''", args: () => ['plan', hello, '--config', ''], code: C, names: '--config is empty', allowed: 'gostatic.config.ts' },
  { name: "--service ''", args: () => ['plan', hello, '--service', ''], code: C, names: "--service ''", allowed: 'service names from the config' },
  { name: "--tags ','", args: () => ['plan', hello, '--tags', ','], code: C, names: "--tags ','", allowed: 'Go build tags' },
  { name: "--timezones ''", args: () => ['plan', hello, '--timezones', ''], code: C, names: '--timezones is empty', allowed: "or 'all'" },
  { name: "--concurrency ''", args: (d) => ['build', hello, '--out', d.out, '--concurrency', ''], code: C, names: '--concurrency is empty', allowed: 'a whole number from 1 up' },
  { name: "sbom --out ''", args: () => ['sbom', hello, '--out', ''], code: C, names: '--out is empty', allowed: 'the path of the SBOM file to write' },
  // Repeated single-value flags: they used to be joined with a comma.
  { name: '--go given twice', args: () => ['plan', hello, '--go', '1.23', '--go', '1.24'], code: C, names: '--go is given 2 times', allowed: 'give it once' },
  { name: '--out given twice', args: (d) => ['build', hello, '--out', d.out, '--out', join(d.root, 'other.tar')], code: C, names: '--out is given 2 times', allowed: 'give it once' },
  { name: '--user given twice', args: () => ['plan', hello, '--user', '1:1', '--user', '2:2'], code: C, names: '--user is given 2 times', allowed: 'give it once' },
  // Numbers
  { name: '--concurrency 0', args: (d) => ['build', hello, '--out', d.out, '--concurrency', '0'], code: C, names: '--concurrency', allowed: "a whole number from 1 up; got '0'" },
  { name: '--concurrency -1', args: (d) => ['build', hello, '--out', d.out, '--concurrency', '-1'], code: C, names: '--concurrency', allowed: "a whole number from 1 up; got '-1'" },
  { name: '--concurrency 1.5', args: (d) => ['build', hello, '--out', d.out, '--concurrency', '1.5'], code: C, names: '--concurrency', allowed: "got '1.5'" },
  { name: '--concurrency many', args: (d) => ['build', hello, '--out', d.out, '--concurrency', 'many'], code: C, names: '--concurrency', allowed: 'a whole number' },
  // Values the spec refuses, named through the flag's field
  { name: '--user 4294967296', args: () => ['plan', hello, '--user', '4294967296'], code: C, names: '--user 4294967296:', allowed: 'from 0 to 4294967294' },
  { name: '--platform plan9/386', args: () => ['plan', hello, '--platform', 'plan9/386'], code: C, names: "--platform plan9/386: unknown platform 'plan9/386'", allowed: 'allowed: linux/amd64' },
  { name: '--platform linux/arm64,linux/arm64', args: () => ['plan', hello, '--platform', 'linux/arm64,linux/arm64'], code: C, names: '--platform linux/arm64,linux/arm64:', allowed: 'give each platform once' },
  { name: '--timezones Europe/../etc', args: () => ['plan', hello, '--timezones', 'Europe/../etc'], code: C, names: '--timezones Europe/../etc:', allowed: "zones look like 'Europe/Berlin'" },
  { name: '--platform linux/amd65', args: (d) => ['build', hello, '--out', d.out, '--platform', 'linux/amd65'], code: C, names: '--platform linux/amd65:', allowed: 'allowed: linux/amd64' },
  { name: '--user nonroot', args: (d) => ['build', hello, '--out', d.out, '--user', 'nonroot'], code: C, names: "--user nonroot: 'nonroot' is not numeric", allowed: "'65532:65532'" },
  { name: 'a mistyped build flag', args: (d) => ['build', hello, '--ot', d.out], code: C, names: 'gostatic build: unknown flag --ot', allowed: 'did you mean --out?' },
  { name: 'a flag far from any', args: (d) => ['build', hello, '--out', d.out, '--frobnicate'], code: C, names: 'unknown flag --frobnicate', allowed: 'see gostatic build --help' },
  // Switches, commands and arguments
  { name: '--json=yes', args: () => ['plan', hello, '--json=yes'], code: C, names: '--json is a switch', allowed: 'write --json, or --json=false' },
  { name: 'an unknown option', args: () => ['plan', hello, '--platfrom', 'linux/amd64'], code: C, names: 'unknown flag --platfrom', allowed: 'did you mean --platform?' },
  { name: 'a missing option value', args: () => ['plan', hello, '--go'], code: C, names: '`--go <version>` value is missing', allowed: 'see gostatic plan --help' },
  { name: 'an unknown --engine', args: (d) => ['build', hello, '--out', d.out, '--engine', 'podman'], code: C, names: '--engine', allowed: "'local', 'dagger' or 'auto'" },
  { name: 'an unknown command', args: () => ['biuld', hello], code: C, names: "unknown command 'biuld'", allowed: "did you mean 'build'?" },
  { name: 'an extra argument', args: () => ['plan', hello, 'linux/arm64'], code: C, names: "'linux/arm64' is extra", allowed: 'takes 1 argument' },
  { name: 'an empty folder argument', args: () => ['plan', ''], code: C, names: 'the dir argument is empty', allowed: 'give a path' },
  { name: "inspect ''", args: () => ['inspect', ''], code: C, names: 'the target argument is empty', allowed: 'give a path' },
  { name: '--all with --service', args: (d) => ['build', hello, '--out', d.out, '--all', '--service', 'hello'], code: C, names: '--all builds every service', allowed: 'Give one of them' },
  { name: 'doctor --platform with two platforms', args: () => ['doctor', hello, '--platform', 'linux/amd64,linux/arm64'], code: C, names: "unknown platform 'linux/amd64,linux/arm64'", allowed: 'allowed: linux/amd64' },
  { name: "doctor --platform ''", args: () => ['doctor', hello, '--platform', ''], code: C, names: '--platform is empty', allowed: 'one platform' },
  // Folders
  { name: 'a folder that does not exist', args: (d) => ['plan', join(d.root, 'nope')], code: ErrorCode.INPUT_NOT_FOUND, names: /folder .*nope does not exist/, allowed: /nope/ },
  { name: 'a folder without go.mod', args: (d) => ['plan', d.tmp], code: ErrorCode.INPUT_NOT_FOUND, names: 'has neither go.mod nor gostatic.config.ts', allowed: 'run gostatic in a Go module' },
  { name: 'inspect of a file that does not exist', args: (d) => ['inspect', join(d.root, 'nope.tar')], code: ErrorCode.INPUT_NOT_FOUND, names: 'nope.tar', allowed: 'an image archive (.tar) or of a binary' },
  { name: '--out onto an existing folder', args: (d) => (mkdirSync(join(d.root, 'dir')), ['build', hello, '--engine', 'local', '--out', join(d.root, 'dir')]), code: ErrorCode.OUTPUT_NOT_WRITABLE, names: /--out .*dir is a folder/, allowed: /like .*hello\.tar/ },
]

describe('bad CLI flags and arguments: refused with the flag named, nothing written', () => {
  for (const c of cases) {
    it(`refuses ${c.name}`, async () => {
      const d = caseDirs(root, c.name)
      expectCliError(await runCli(c.args(d), d), c)
      expectNothingLeft(d)
    })
  }
})

describe('flag values reach the plan as typed', () => {
  it("keeps --go 1.20 as Go 1.20 and --name 010 as '010' (cac alone made them 1.2 and 10)", async () => {
    const d = caseDirs(root, 'as-typed')
    const r = await runCli(['plan', hello, '--go', '1.20', '--name', '010', '--user', '0065532', '--json'], d)
    expect(r.code, r.stderr).toBe(0)
    const p = JSON.parse(r.stdout) as { service: string; go: { version: string }; runtime: { config: { user: string } } }
    expect([p.service, p.go.version, p.runtime.config.user]).toEqual(['010', '1.20', '0065532'])
    expectNoStack(r.stderr)
    expectNothingLeft(d)
  })
})
