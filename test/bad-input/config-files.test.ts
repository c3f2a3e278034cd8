// gostatic.config.ts mistakes, run through the real CLI: each is refused
// before anything is built, naming the config file and what it must hold.
import { afterAll, describe, it } from 'vitest'
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ErrorCode } from '../../src/errors.js'
import { caseDirs, corpusRoot, expectCliError, expectNothingLeft, runCli, type Expected } from './harness.js'

const root = corpusRoot('config')
afterAll(() => rmSync(root, { recursive: true, force: true }))

const api = JSON.stringify(resolve('src/index.ts'))
const C = ErrorCode.INVALID_CONFIG
const NOT_FOUND = ErrorCode.INPUT_NOT_FOUND
type Case = Expected & { readonly name: string; readonly config: string; readonly command?: 'plan' | 'build' }

const cases: Case[] = [
  { name: 'a syntax error', config: 'export default {', code: C, names: /could not load .*gostatic\.config\.ts/, allowed: /gostatic\.config\.ts:\d+:\d+/ },
  { name: 'a config that throws', config: "throw new Error('no TOKEN set')", code: C, names: /could not load .*gostatic\.config\.ts/, allowed: 'no TOKEN set' },
  { name: 'an import of a package that is not installed', config: "import x from 'gostatic-no-such-package'\nexport default { services: [x] }", code: C, names: "'gostatic-no-such-package'", allowed: /Cannot find (package|module)/ },
  { name: 'no default export', config: 'export const services = []', code: C, names: 'has no default export', allowed: 'export default defineConfig({ services: [...] })' },
  { name: 'a default export that is a function', config: "export default () => ({ services: [{ name: 'a', source: 'svc' }] })", code: C, names: 'default export is a function', allowed: 'export the config object itself' },
  { name: 'a default export that is a Promise', config: "export default Promise.resolve({ services: [{ name: 'a', source: 'svc' }] })", code: C, names: 'default export is a Promise', allowed: 'export the config object itself' },
  { name: 'a default export that is an array', config: "export default [{ name: 'a', source: 'svc' }]", code: C, names: 'default export is an array', allowed: 'defineConfig({ services: [...] })' },
  { name: "a misspelt 'service' key", config: "export default { service: [{ name: 'a', source: 'svc' }] }", code: C, names: "unknown key 'service'", allowed: "did you mean 'services'" },
  { name: 'services that is not a list', config: "export default { services: { name: 'a', source: 'svc' } }", code: C, names: 'at services', allowed: 'must be a list of goService(...) builders' },
  { name: 'a service without a source', config: "export default { services: [{ name: 'a' }] }", code: C, names: 'at services[0]', allowed: 'an object without a string source' },
  { name: 'a service that is null', config: 'export default { services: [null] }', code: C, names: 'at services[0]', allowed: 'a goService(...) builder or an object' },
  { name: 'no services at all', config: 'export default { services: [] }', code: C, names: 'lists no services', allowed: 'give services: [...] or a workspace' },
  { name: 'two services with one name', config: "export default { services: [{ name: 'a', source: 'svc' }, { name: 'a', source: 'svc' }] }", code: C, names: /gostatic\.config\.ts: two services are named 'a'/, allowed: 'give each service its own name' },
  { name: 'a workspace that is not a builder', config: "export default { workspace: { root: '.' } }", code: C, names: 'at workspace', allowed: 'must be a goWorkspace(...) builder' },
  { name: 'a workspace override for a missing service', config: `import { goWorkspace } from ${api}\nexport default { workspace: goWorkspace({ root: '.' }).services(['svc']).service('nope', (s) => s) }`, code: C, names: /gostatic\.config\.ts: \.service\('nope'\)/, allowed: 'the workspace has svc' },
  { name: 'a workspace with no services', config: `import { goWorkspace } from ${api}\nexport default { workspace: goWorkspace({ root: '.' }).discover('cmd/*') }`, code: C, names: /gostatic\.config\.ts: workspace .*no services/, allowed: ".discover('cmd/*')" },
  { name: 'a service field the spec refuses', config: "export default { services: [{ name: 'a', source: 'svc', user: 'root' }] }", code: ErrorCode.INVALID_SPEC, names: "invalid service 'a'", allowed: "use '65532:65532'" },
  { name: 'a builder with a UID out of range', config: `import { goService } from ${api}\nexport default { services: [goService({ name: 'a', source: 'svc' }).user('4294967296:0')] }`, code: ErrorCode.INVALID_SPEC, names: 'at user', allowed: 'from 0 to 4294967294' },
  // The service source folder: named with the service and the file, never "go is not installed".
  { name: 'a service source folder that does not exist', command: 'build', config: "export default { services: [{ name: 'a', source: 'nope' }] }", code: NOT_FOUND, names: /service 'a' in .*gostatic\.config\.ts: source folder .*nope does not exist/, allowed: 'the folder holding go.mod' },
  { name: 'a service source that is a file', command: 'build', config: "export default { services: [{ name: 'a', source: 'svc/main.go' }] }", code: NOT_FOUND, names: /service 'a' .*main\.go is a file/, allowed: 'the folder holding go.mod' },
  { name: 'a service source without go.mod', command: 'build', config: "export default { services: [{ name: 'a', source: '.' }] }", code: NOT_FOUND, names: /service 'a' .* has no go\.mod/, allowed: 'point source at the module root' },
]

function writeCase(dir: string, config: string): void {
  cpSync(resolve('examples/hello'), join(dir, 'svc'), { recursive: true })
  writeFileSync(join(dir, 'gostatic.config.ts'), config + '\n')
}

describe('bad config files: refused naming the file, nothing built or written', () => {
  for (const c of cases) {
    it(`refuses ${c.name}`, async () => {
      const d = caseDirs(root, c.name)
      const project = join(d.root, 'project')
      mkdirSync(project)
      writeCase(project, c.config)
      const args = c.command === 'build' ? ['build', project, '--engine', 'local', '--out', d.out] : ['plan', project]
      expectCliError(await runCli(args, d), c)
      expectNothingLeft(d)
    })
  }

  it('refuses --config naming a folder, saying to pass the file', async () => {
    const d = caseDirs(root, 'config-folder')
    const want = { code: C, names: /config file .* is a folder/, allowed: /like .*gostatic\.config\.ts/ }
    expectCliError(await runCli(['plan', '--config', d.tmp], d), want)
    expectNothingLeft(d)
  })

  it('refuses --config naming a file that does not exist', async () => {
    const d = caseDirs(root, 'config-missing')
    const want = { code: NOT_FOUND, names: /config file .*nope\.config\.ts does not exist/, allowed: /nope\.config\.ts/ }
    expectCliError(await runCli(['plan', resolve('examples/hello'), '--config', join(d.root, 'nope.config.ts')], d), want)
    expectNothingLeft(d)
  })
})
