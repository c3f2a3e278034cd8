// The pure half of `gostatic affected`: which module pins moved in a go.mod,
// go.sum or vendor/modules.txt, //go:embed matching, and the selection rules.
import { describe, expect, it } from 'vitest'
import { diffModuleFile, moduleFileKind } from '../../src/workspace/module-file-diff.js'
import { embeddedBy } from '../../src/workspace/embed-match.js'
import { selectAffected, type ClosurePackage, type ServiceInputs } from '../../src/workspace/affected-select.js'

describe('module file diffs', () => {
  it('names the modules whose go.sum lines changed', () => {
    const before = 'a.io/x v1.0.0 h1:aaa=\na.io/x v1.0.0/go.mod h1:bbb=\nb.io/y v0.1.0 h1:ccc=\n'
    const after = 'a.io/x v1.1.0 h1:ddd=\na.io/x v1.1.0/go.mod h1:eee=\nb.io/y v0.1.0 h1:ccc=\n'
    expect(diffModuleFile('go.sum', before, after)).toEqual({ modules: ['a.io/x'], structural: false })
  })
  it('tells a require or replace change from a go directive change in go.mod, ignoring comments', () => {
    const base = 'module m\n\ngo 1.22\n\nrequire (\n\ta.io/x v1.0.0\n\tb.io/y v0.1.0 // indirect\n)\n'
    expect(diffModuleFile('go.mod', base, base.replace(' // indirect', ''))).toEqual({ modules: [], structural: false })
    expect(diffModuleFile('go.mod', base, base.replace('a.io/x v1.0.0', 'a.io/x v1.2.0'))).toEqual({ modules: ['a.io/x'], structural: false })
    expect(diffModuleFile('go.mod', base, `${base}replace b.io/y => ../y\n`)).toEqual({ modules: ['b.io/y'], structural: false })
    expect(diffModuleFile('go.mod', base, base.replace('go 1.22', 'go 1.23'))).toEqual({ modules: [], structural: true })
    expect(diffModuleFile('go.mod', base, `${base}retract v0.0.1\n`)).toEqual({ modules: [], structural: false })
  })
  it('reads vendor/modules.txt pins, and knows which paths pin modules', () => {
    const before = '# a.io/x v1.0.0\n## explicit\na.io/x/pkg\n'
    expect(diffModuleFile('modules.txt', before, before.replace('v1.0.0', 'v1.0.1'))).toEqual({ modules: ['a.io/x'], structural: false })
    expect(['go.mod', 'svc/go.sum', 'go.work.sum', 'vendor/modules.txt', 'docs/modules.txt', 'main.go'].map(moduleFileKind))
      .toEqual(['go.mod', 'go.sum', 'go.work.sum', 'modules.txt', null, null])
  })
})

describe('//go:embed matching', () => {
  it('matches files, globs within one segment, and folders with what is under them', () => {
    expect(embeddedBy(['static'], 'static/css/a.css')).toBe('static')
    expect(embeddedBy(['*.html'], 'index.html')).toBe('*.html')
    expect(embeddedBy(['*.html'], 'sub/index.html')).toBeUndefined()
    expect(embeddedBy(['all:tmpl/[a-c]*'], 'tmpl/base.tmpl')).toBe('all:tmpl/[a-c]*')
    expect(embeddedBy(['tmpl/[a-c]*'], 'tmpl/x.tmpl')).toBeUndefined()
  })
})

const pkg = (importPath: string, dir: string, more: Partial<ClosurePackage> = {}): ClosurePackage => ({
  importPath, dir, module: { path: 'example.com/m', dir: '/r/m' }, files: [], embedPatterns: [], error: null, ...more,
})
const svc = (name: string, closure: ClosurePackage[] | null, extra: ServiceInputs['extra'] = []): ServiceInputs =>
  ({ name, path: `m/cmd/${name}`, closure, extra })
const services = [
  svc('api', [pkg('example.com/m/cmd/api', '/r/m/cmd/api'), pkg('x.io/lib/v2', '/cache/x.io/lib/v2@v2.0.0', { module: { path: 'x.io/lib/v2', dir: null } })]),
  svc('worker', [pkg('example.com/m/cmd/worker', '/r/m/cmd/worker')], [{ file: '/r/m/certs/ca.pem', why: 'copied' }]),
]
const select = (files: string[], moduleFiles = new Map()) => selectAffected(services, { top: '/r', files, moduleFiles })

describe('selection', () => {
  it('a go.sum change selects the users of the moved module only', () => {
    const moved = new Map([['m/go.sum', { modules: ['x.io/lib/v2'], structural: false }]])
    expect(select(['m/go.sum'], moved)).toEqual([{ name: 'api', path: 'm/cmd/api',
      reason: { why: 'module-version', file: 'm/go.sum', package: 'x.io/lib/v2', module: 'x.io/lib/v2' } }])
  })
  it("a go directive change in a module's go.mod selects its services", () => {
    const moved = new Map([['m/go.mod', { modules: [], structural: true }]])
    expect(select(['m/go.mod'], moved).map((a) => a.name)).toEqual(['api', 'worker'])
  })
  it('a test file, or a README in a package folder, selects nothing; a copied file selects its service', () => {
    expect(select(['m/cmd/api/main_test.go', 'm/cmd/api/README.md'])).toEqual([])
    expect(select(['m/certs/ca.pem'])).toEqual([{ name: 'worker', path: 'm/cmd/worker', reason: { why: 'copied', file: 'm/certs/ca.pem', package: null } }])
  })
  it('a service whose inputs go could not list is selected, never skipped', () => {
    const broken = [svc('odd', [pkg('example.com/m/cmd/odd', '/r/m/cmd/odd', { error: 'no Go files' })]), svc('bad', null)]
    expect(selectAffected(broken, { top: '/r', files: ['x.txt'], moduleFiles: new Map() }).map((a) => [a.name, a.reason.why]))
      .toEqual([['odd', 'unloadable'], ['bad', 'unloadable']])
  })
})
