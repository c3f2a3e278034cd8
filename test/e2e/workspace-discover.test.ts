// Workspace discovery asks go (go work edit -json, go list -find), on real
// modules: a go.work with two modules, a //go:build ignore generator that
// says package main, a nested module, and no services named at all.
import { afterAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { goWorkspace, type GostaticError } from '../../src/index.js'
import { missing } from '../support/tools.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-ws-discover-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const MAIN = 'package main\n\nfunc main() {}\n'
const GENERATOR = '//go:build ignore\n\n// Run with go run gen.go; not part of any package.\npackage main\n\nfunc main() {}\n'

function write(root: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true })
    writeFileSync(join(root, rel), text)
  }
  return root
}

const summary = (root: string, ws = goWorkspace({ root })) => {
  const r = ws.resolve()
  return { workModules: r.workModules, modules: r.modules, services: r.services.map((s) => [s.name, s.toSpec().source, s.toSpec().main]) }
}

describe.skipIf(missing('go'))('workspace discovery', () => {
  const work = write(join(tmp, 'work'), {
    'go.work': 'go 1.22\n\nuse (\n\t./svc // the services\n\t"./lib"\n)\n',
    'svc/go.mod': 'module example.com/svc\n\ngo 1.22\n',
    'svc/cmd/api/main.go': MAIN,
    'svc/cmd/worker/main.go': MAIN,
    // A generator beside library code: the folder is package models, not a service.
    'svc/models/gen.go': GENERATOR,
    'svc/models/models.go': 'package models\n',
    // Only a generator: go builds no package here at all.
    'svc/cmd/gen/gen.go': GENERATOR,
    'lib/go.mod': 'module example.com/lib\n\ngo 1.22\n',
    'lib/tool/main.go': MAIN,
    // Not in go.work: not part of the workspace.
    'stray/go.mod': 'module example.com/stray\n\ngo 1.22\n',
    'stray/main.go': MAIN,
  })

  it("reads go.work's modules through go, and discovers every main package when nothing is named", () => {
    expect(summary(work)).toEqual({
      workModules: [join(work, 'svc'), join(work, 'lib')],
      modules: [join(work, 'lib'), join(work, 'svc')],
      services: [
        ['tool', join(work, 'lib'), './tool'],
        ['api', join(work, 'svc'), './cmd/api'],
        ['worker', join(work, 'svc'), './cmd/worker'],
      ],
    })
  })

  it('matches a pattern against main packages only: a //go:build ignore generator is not a service', () => {
    expect(summary(work, goWorkspace({ root: work }).discover('svc/cmd/*')).services.map(([n]) => n)).toEqual(['api', 'worker'])
  })

  it('refuses a named folder that is not a main package, saying what it is', () => {
    const lib = (() => {
      try {
        goWorkspace({ root: work }).services(['svc/models']).resolve()
      } catch (e) {
        return e as GostaticError
      }
    })()
    expect(lib).toMatchObject({ code: 'INPUT_NOT_FOUND', message: 'service folder svc/models is package models, not a main package' })
    const gen = (() => {
      try {
        goWorkspace({ root: work }).services(['svc/cmd/gen']).resolve()
      } catch (e) {
        return e as GostaticError
      }
    })()
    expect(gen?.code).toBe('INPUT_NOT_FOUND')
    expect(gen?.message).toContain('service folder svc/cmd/gen holds no package go builds')
  })

  it('without a go.work, finds each module under the root, a nested module as its own', () => {
    const root = write(join(tmp, 'nested'), {
      'go.mod': 'module example.com/outer\n\ngo 1.22\n',
      'cmd/outer/main.go': MAIN,
      'gen.go': GENERATOR,
      'tools/go.mod': 'module example.com/tools\n\ngo 1.22\n',
      'tools/cmd/migrate/main.go': MAIN,
      'vendor/example.com/x/main.go': MAIN,
      'testdata/main.go': MAIN,
    })
    expect(summary(root)).toEqual({
      workModules: null,
      modules: [root, join(root, 'tools')],
      services: [
        ['outer', root, './cmd/outer'],
        ['migrate', join(root, 'tools'), './cmd/migrate'],
      ],
    })
  })

  it('says so when there is no main package to build', () => {
    const root = write(join(tmp, 'empty'), { 'go.mod': 'module example.com/empty\n\ngo 1.22\n', 'lib.go': 'package empty\n', 'gen.go': GENERATOR })
    expect(() => goWorkspace({ root }).resolve()).toThrow(`workspace ${root}: no services; it has no main package`)
  })
})
