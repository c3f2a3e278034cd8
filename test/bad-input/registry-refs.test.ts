// Registry references a user gets wrong, and registries that cannot take a
// push: refused before anything is written, or after the push fails with the
// temp archive removed. The refusals before a build run through the CLI.
import { afterAll, beforeAll, describe, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { goService, type BuildResult } from '../../src/index.js'
import { ErrorCode } from '../../src/errors.js'
import { missing } from '../support/tools.js'
import { freePort, missingRegistry, REGISTRY } from '../support/runtime.js'
import { AUTH_REGISTRY, uniqueRepo } from '../e2e/registry-fixtures.js'
import { caseDirs, corpusRoot, expectCliError, expectNothingLeft, expectSdkError, runCli, withTmpdir, type Expected } from './harness.js'

const root = corpusRoot('registry')
afterAll(() => rmSync(root, { recursive: true, force: true }))
const hello = resolve('examples/hello')
const R = ErrorCode.INVALID_REFERENCE
/** Bad flag values are usage errors (exit 2), refused before anything is built. */
const U = ErrorCode.USAGE
const LIKE = "like '127.0.0.1:5000/team/hello:1.0'"
const digest = `sha256:${'a'.repeat(64)}`

type Case = Expected & { readonly name: string; readonly ref: () => string | Promise<string>; readonly env?: () => NodeJS.ProcessEnv }

const refused: Case[] = [
  { name: 'a registry port above 65535', ref: () => '127.0.0.1:99999/team/app:1', code: R, names: "publish reference '127.0.0.1:99999/team/app:1'", allowed: 'ports are 1 to 65535' },
  { name: 'registry port 0', ref: () => '127.0.0.1:0/team/app:1', code: R, names: 'registry port 0', allowed: 'ports are 1 to 65535' },
  { name: 'a reference with a digest', ref: () => `127.0.0.1:5000/team/app@${digest}`, code: R, names: 'has a digest', allowed: 'publish to a tag' },
  { name: 'a reference with http://', ref: () => 'http://127.0.0.1:5000/team/app:1', code: R, names: "publish reference 'http://", allowed: "drop 'http://'" },
  { name: 'an uppercase repository', ref: () => '127.0.0.1:5000/Team/App:1', code: R, names: "'127.0.0.1:5000/Team/App:1'", allowed: 'must be lowercase' },
  { name: 'an empty reference', ref: () => '', code: R, names: 'the reference is empty', allowed: LIKE },
  { name: 'a tag of 129 characters', ref: () => `127.0.0.1:5000/team/app:${'t'.repeat(129)}`, code: R, names: 'not a valid image reference', allowed: LIKE },
  { name: 'a reference with a space', ref: () => '127.0.0.1:5000/team/my app:1', code: R, names: 'not a valid image reference', allowed: '[registry[:port]/]name[:tag][@digest]' },
]

const unreachable: Case[] = [
  { name: 'a registry that is not running', ref: async () => `127.0.0.1:${await freePort()}/team/app:1`, code: ErrorCode.REGISTRY_UNREACHABLE, names: /cannot reach registry 127\.0\.0\.1:\d+/, allowed: 'is up and reachable' },
  { name: "a port fetch refuses (6000, on the fetch standard's blocked list)", ref: () => '127.0.0.1:6000/team/app:1', code: ErrorCode.REGISTRY_UNREACHABLE, names: 'registry 127.0.0.1:6000', allowed: 'run the registry on another port' },
]

describe.skipIf(missing('go'))('publish to a bad reference or an unreachable registry: named, nothing left', () => {
  let result: BuildResult
  beforeAll(async () => {
    result = await goService({ name: 'hello', source: hello }).build({ engine: 'local' })
  })
  for (const c of [...refused, ...unreachable]) {
    it(`refuses ${c.name}`, async () => {
      const d = caseDirs(root, c.name)
      const ref = await c.ref()
      await withTmpdir(d.tmp, () => expectSdkError(() => result.publish(ref, { env: { ...process.env, DOCKER_CONFIG: d.root } }), c))
      expectNothingLeft(d)
    })
  }
})

const registrySkip = missing('go') || (await missingRegistry())
describe.skipIf(registrySkip)('the real loopback registries', () => {
  let result: BuildResult
  beforeAll(async () => {
    result = await goService({ name: 'hello', source: hello }).build({ engine: 'local' })
  })
  it('refuses a push to the htpasswd registry without credentials, saying how to log in', async () => {
    const d = caseDirs(root, 'auth')
    const want = { code: ErrorCode.REGISTRY_AUTH, names: `registry ${AUTH_REGISTRY} requires authentication`, allowed: `docker login ${AUTH_REGISTRY}` }
    // An empty DOCKER_CONFIG: no credentials anywhere.
    const ref = `${AUTH_REGISTRY}/${uniqueRepo('bad-input-auth')}:1`
    await withTmpdir(d.tmp, () => expectSdkError(() => result.publish(ref, { env: { ...process.env, DOCKER_CONFIG: mkdtempSync(join(d.root, 'docker-')) } }), want))
    expectNothingLeft(d)
  })
  it('refuses a runtime base whose tag the registry does not have, before compiling', async () => {
    const d = caseDirs(root, 'no-such-tag')
    const base = `${REGISTRY}/${uniqueRepo('bad-input-base')}:1`
    const want = { code: ErrorCode.REGISTRY_NOT_FOUND, names: `pulling image ${base}`, allowed: 'check the repository name and tag' }
    expectCliError(await runCli(['build', hello, '--engine', 'local', '--out', d.out, '--runtime', base], d), want)
    expectNothingLeft(d)
  })
})

const cli: (Expected & { name: string; args: string[] })[] = [
  { name: '--push with a port out of range', args: ['--push', '127.0.0.1:99999/team/hello:1'], code: U, names: '--push 127.0.0.1:99999/team/hello:1:', allowed: 'ports are 1 to 65535' },
  { name: '--push with a digest', args: ['--push', `127.0.0.1:5000/team/hello@${digest}`], code: U, names: '--push 127.0.0.1:5000/team/hello@sha256:', allowed: 'push to a tag' },
  { name: '--push with an uppercase repository', args: ['--push', '127.0.0.1:5000/Team/hello:1'], code: U, names: '--push', allowed: 'must be lowercase' },
  { name: '--runtime with a port out of range', args: ['--runtime', '127.0.0.1:99999/base:1'], code: U, names: '--runtime 127.0.0.1:99999/base:1:', allowed: 'ports are 1 to 65535' },
  { name: '--runtime with a scheme', args: ['--runtime', 'docker://alpine:3.20'], code: U, names: '--runtime docker://alpine:3.20:', allowed: "drop 'docker://'" },
]

describe('bad --push and --runtime references: refused before the build starts', () => {
  for (const c of cli) {
    it(`refuses ${c.name}`, async () => {
      const d = caseDirs(root, c.name)
      expectCliError(await runCli(['build', hello, '--engine', 'local', '--out', d.out, ...c.args], d), c)
      expectNothingLeft(d)
    })
  }
})
