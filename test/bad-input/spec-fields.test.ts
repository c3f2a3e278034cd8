// Spec fields a user gets wrong, through the SDK as a pipeline.ts would call
// it: build() then exportTarball(). Each must be refused before any tool
// runs, so nothing is built, written or left in TMPDIR.
import { afterAll, describe, it } from 'vitest'
import { rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { goService } from '../../src/index.js'
import { ErrorCode } from '../../src/errors.js'
import { corpusRoot } from './harness.js'
import { expectSpecRefused, type SpecCase } from './spec-cases.js'

const root = corpusRoot('spec')
afterAll(() => rmSync(root, { recursive: true, force: true }))

const hello = () => goService({ name: 'hello', source: resolve('examples/hello') })
const S = ErrorCode.INVALID_SPEC
type Case = SpecCase

const cases: Case[] = [
  // Out-of-range values
  { name: 'a UID above 2^32-1', svc: () => hello().user('4294967296'), code: S, names: 'at user', allowed: 'from 0 to 4294967294' },
  { name: 'a GID above 2^32-1', svc: () => hello().user('1000:99999999999'), code: S, names: 'at user', allowed: 'from 0 to 4294967294' },
  { name: "a port above 65535 written '99999/tcp'", svc: () => hello().expose('99999/tcp'), code: S, names: 'at ports[0]', allowed: 'ports are 1 to 65535' },
  { name: "port '0/udp'", svc: () => hello().expose('0/udp'), code: S, names: 'at ports[0]', allowed: 'ports are 1 to 65535' },
  { name: 'port 70000 as a number', svc: () => hello().expose(8080, 70000), code: S, names: 'at ports[1]', allowed: 'ports are 1 to 65535' },
  { name: "port '8080/http'", svc: () => hello().expose('8080/http'), code: S, names: 'at ports[0]', allowed: 'tcp, udp or sctp' },
  { name: 'duplicate platforms', svc: () => hello().platforms('linux/amd64', 'linux/arm64', 'linux/amd64'), code: S, names: 'at platforms[2]', allowed: 'give each platform once' },
  { name: 'no platforms at all', svc: () => hello().platforms(), code: S, names: 'at platforms', allowed: 'give at least one platform' },
  { name: 'an unknown platform', svc: () => hello().platforms('darwin/arm64'), code: S, names: 'at platforms[0]', allowed: 'allowed: linux/amd64, linux/arm64' },
  { name: 'upx level 10', svc: () => hello().upx({ level: 10 }), code: S, names: 'at upx.level', allowed: "1 to 9, or 'best'" },
  { name: "upx level 'fast'", svc: () => hello().upx({ level: 'fast' as never }), code: S, names: 'at upx.level', allowed: "1 to 9, or 'best'" },
  { name: 'a file mode above 0o7777', svc: () => hello().copy('main.go', '/app/main.go', 0o17777), code: S, names: 'at files[0].mode', allowed: 'from 0 to 0o7777' },
  { name: 'a 64-character name', svc: () => goService({ name: 'a'.repeat(64), source: '.' }), code: S, names: 'at name', allowed: 'at most 63 characters' },
  // Malformed values
  { name: "builderImage 'golang::1.23'", svc: () => hello().builderImage('golang::1.23'), code: S, names: 'at builderImage', allowed: "like 'golang:1.23-alpine'" },
  { name: 'an uppercase builderImage', svc: () => hello().builderImage('Golang:1.23'), code: S, names: 'at builderImage', allowed: 'must be lowercase' },
  { name: 'a builderImage on a port out of range', svc: () => hello().builderImage('127.0.0.1:99999/go:1.23'), code: S, names: 'at builderImage', allowed: 'ports are 1 to 65535' },
  { name: 'an -X key with a space', svc: () => hello().ldflags({ X: { 'main.build date': 'today' } }), code: S, names: 'ldflags.X', allowed: "like 'main.version'" },
  { name: "an -X key with '='", svc: () => hello().ldflags({ X: { 'main.version=1': '2' } }), code: S, names: 'ldflags.X', allowed: "no spaces, quotes or '='" },
  { name: 'an -X key without a package', svc: () => hello().ldflags({ X: { version: '1' } }), code: S, names: 'ldflags.X.version', allowed: 'importpath.name' },
  { name: 'an empty ldflags extra', svc: () => hello().ldflags({ extra: [''] }), code: S, names: 'at ldflags.extra[0]', allowed: 'must not be empty' },
  { name: 'an empty entrypoint', svc: () => hello().entrypoint(), code: S, names: 'at entrypoint', allowed: 'needs the program to run' },
  { name: "entrypoint('')", svc: () => hello().entrypoint(''), code: S, names: 'at entrypoint', allowed: 'name the program to run' },
  { name: 'copy() from outside the source folder', svc: () => hello().copy('../../package.json', '/app/package.json'), code: S, names: 'at files[0].from', allowed: "inside the service's source folder" },
  { name: 'copy() from an absolute host path', svc: () => hello().copy('/etc/passwd', '/etc/passwd2'), code: S, names: 'at files[0].from', allowed: 'is absolute' },
  { name: "copy() to '/'", svc: () => hello().copy('main.go', '/'), code: S, names: 'at files[0].to', allowed: "give the file's path" },
  { name: "copy() to a path with '..'", svc: () => hello().copy('main.go', '/app/../../etc/x'), code: S, names: 'at files[0].to', allowed: "without '.' or '..' parts" },
  { name: "copy() onto the binary's path", svc: () => hello().copy('main.go', '/usr/local/bin/hello'), code: S, names: 'at files[0].to', allowed: "the binary's own path" },
  { name: 'two copies to one path', svc: () => hello().copy('main.go', '/a').copy('go.mod', '/a'), code: S, names: 'at files[1].to', allowed: 'give each its own path' },
  { name: 'a relative workdir', svc: () => hello().workdir('app'), code: S, names: 'at workdir', allowed: 'must be an absolute path in the image' },
  { name: "binaryPath ending in '/'", svc: () => hello().binaryPath('/app/'), code: S, names: 'at binaryPath', allowed: "give the file's path" },
  { name: 'binaryPath onto the base /etc/passwd', svc: () => hello().binaryPath('/etc/passwd'), code: S, names: 'at binaryPath', allowed: 'put the binary at its own path' },
  { name: 'binaryPath onto the base /tmp folder', svc: () => hello().binaryPath('/tmp'), code: S, names: 'clashes with /tmp', allowed: 'like /usr/local/bin/hello' },
  { name: 'a workdir that is the base /etc/passwd file', svc: () => hello().workdir('/etc/passwd'), code: S, names: 'at workdir', allowed: 'use a folder like / or /app' },
  { name: 'GOTOOLCHAIN in env', svc: () => hello().env({ GOTOOLCHAIN: 'go1.30.0' }), code: S, names: 'at env.GOTOOLCHAIN', allowed: "with .go('1.23')" },
  { name: "user 'nonroot'", svc: () => hello().user('nonroot'), code: S, names: 'at user', allowed: "use '65532:65532'" },
  { name: "user '1:2:3'", svc: () => hello().user('1:2:3'), code: S, names: 'at user', allowed: "another 'uid:gid'" },
  { name: "go('1.17')", svc: () => hello().go('1.17'), code: S, names: 'at go', allowed: 'Go 1.18 or newer' },
  { name: "go('go1.23')", svc: () => hello().go('go1.23'), code: S, names: 'at go', allowed: "like '1.23' or '1.23.4'" },
  { name: "a build tag 'a,b'", svc: () => hello().tags('a,b'), code: S, names: 'at tags[0]', allowed: 'letters, digits, _ and .' },
  { name: 'an env name with a space', svc: () => hello().env({ 'MY VAR': 'x' }), code: S, names: 'env["MY VAR"]', allowed: 'letters, digits and _' },
  { name: 'a runtimeEnv name starting with a digit', svc: () => hello().runtimeEnv({ '1X': 'x' }), code: S, names: 'runtimeEnv.1X', allowed: 'not starting with a digit' },
  { name: 'CGO_ENABLED=1', svc: () => hello().env({ CGO_ENABLED: '1' }), code: S, names: 'at env.CGO_ENABLED', allowed: 'For a static cgo build use .cgo()' },
  { name: 'an empty label key', svc: () => hello().labels({ '': 'x' }), code: S, names: 'at labels', allowed: 'non-empty strings' },
  { name: "timezones([])", svc: () => hello().timezones([]), code: S, names: 'at timezones', allowed: "'all' or a non-empty list" },
  { name: "a runtime 'alpine::3'", svc: () => hello().runtime('alpine::3'), code: S, names: 'at runtime', allowed: "'scratch', 'static' or a valid image reference" },
  { name: 'a runtime with a scheme', svc: () => hello().runtime('https://registry.example/alpine:3'), code: S, names: 'at runtime', allowed: "drop 'https://'" },
  { name: 'two secrets with one id', svc: () => hello().secret({ id: 't', from: { env: 'A' }, as: { env: 'B' } }).secret({ id: 't', from: { env: 'C' }, as: { env: 'D' } }), code: S, names: 'at secrets[1].id', allowed: 'must be unique' },
  { name: 'a secret with no from', svc: () => hello().secret({ id: 't', as: { env: 'B' } } as never), code: S, names: 'at secrets[0].from', allowed: "{ env: 'NAME' } or { file: 'host/path' }" },
  { name: 'a secret mounted at a relative path', svc: () => hello().secret({ id: 't', from: { env: 'A' }, as: { file: 'netrc' } }), code: S, names: 'at secrets[0].as.file', allowed: 'must be an absolute path' },
  { name: 'upx allowProduction without a reason', svc: () => hello().upx({ policy: { allowProduction: { reason: '' } } }), code: S, names: 'allowProduction.reason', allowed: 'a non-empty reason' },
  { name: "a misspelt upx option 'levle'", svc: () => hello().upx({ levle: 9 } as never), code: S, names: "unknown key 'levle'", allowed: "did you mean 'level'" },
  { name: "smoke('--version')", svc: () => hello().smoke('--version' as never), code: S, names: 'at smoke', allowed: 'or false to skip it' },
  { name: "mod('vendored')", svc: () => hello().mod('vendored' as never), code: S, names: 'at mod', allowed: '"readonly"|"vendor"|"mod"' },
  { name: 'an absolute main', svc: () => goService({ name: 'x', source: resolve('examples/hello'), main: '/src/cmd/x' }), code: S, names: 'at main', allowed: "like '.' or './cmd/api'" },
  { name: 'a main outside the module', svc: () => goService({ name: 'x', source: resolve('examples/hello'), main: '../monorepo' }), code: S, names: 'at main', allowed: 'outside the module' },
  { name: 'an empty source', svc: () => goService({ name: 'x', source: '' }), code: S, names: 'at source', allowed: 'the folder holding go.mod' },
  // Plain objects, as a config or plan() receives them
  { name: "a misspelt key 'platfrom'", svc: () => ({ name: 'x', source: '.', platfrom: ['linux/amd64'] }), code: S, names: "unknown key 'platfrom'", allowed: "did you mean 'platforms'" },
  { name: 'a spec without a name', svc: () => ({ source: '.' }), code: S, names: 'at name', allowed: 'lowercase letters, digits' },
  { name: 'timezones as one string', svc: () => ({ name: 'x', source: '.', timezones: 'Europe/Berlin' }), code: S, names: 'at timezones', allowed: "like ['Europe/Berlin']" },
  { name: 'plan(undefined)', svc: () => undefined, code: S, names: 'a service spec', allowed: "an object like { name: 'api', source: './api' }" },
  { name: 'a spec that is a string', svc: () => 'hello', code: S, names: 'a service spec', allowed: 'or a goService(...) builder' },
]

describe('bad spec fields: refused before anything is built or written', () => {
  for (const c of cases) it(`refuses ${c.name}`, () => expectSpecRefused(root, c))
})
