// Go projects a user points gostatic at by mistake, built for real through
// the CLI with the host Go: each failure names the package or file and says
// what would work; nothing is written.
import { afterAll, describe, expect, it } from 'vitest'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { ErrorCode } from '../../src/errors.js'
import { missing } from '../support/tools.js'
import { caseDirs, corpusRoot, expectCliError, expectNothingLeft, runCli, type Expected } from './harness.js'

const root = corpusRoot('go')
afterAll(() => rmSync(root, { recursive: true, force: true }))

const api = JSON.stringify(resolve('src/index.ts'))
const MAIN = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("ok") }\n'
const mod = (name: string) => `module example.com/${name}\n\ngo 1.22\n`
type Files = Record<string, string>
type Case = Expected & { readonly name: string; readonly files: Files; readonly flags?: string[]; readonly not?: string }

const B = ErrorCode.GO_BUILD_FAILED
const cases: Case[] = [
  { name: 'main pointing at a library module', files: { 'go.mod': mod('lib'), 'lib.go': 'package lib\n\nfunc X() int { return 1 }\n' }, code: B, names: "main '.' is a library", allowed: 'say `package main` and have func main' },
  { name: '--main at a library package', files: { 'go.mod': mod('app'), 'main.go': MAIN, 'internal/util/util.go': 'package util\n\nfunc X() {}\n' }, flags: ['--main', './internal/util'], code: B, names: "main './internal/util' is a library", allowed: 'package main' },
  { name: 'a package that is all cgo files', files: { 'go.mod': mod('cgo'), 'main.go': 'package main\n\n// #include <stdio.h>\nimport "C"\n\nfunc main() { C.puts(C.CString("hi")) }\n' }, code: B, names: 'main.go uses cgo (import "C")', allowed: 'CGO_ENABLED=0' },
  { name: 'a go.mod syntax error', files: { 'go.mod': 'module example.com/x\n\ngo 1.22\n\nrequire (\n  example.com/y v1.0.0\n', 'main.go': MAIN }, code: ErrorCode.TOOL_FAILED, names: /go\.mod:\d+: syntax error/, allowed: 'go.mod has a mistake at the line go names', not: 'GOPROXY' },
  { name: 'a go.mod with an unknown directive', files: { 'go.mod': 'module example.com/x\n\ngo 1.22\n\nrequires example.com/y v1.0.0\n', 'main.go': MAIN }, code: ErrorCode.TOOL_FAILED, names: /go\.mod:5: unknown directive: requires/, allowed: 'go.mod has a mistake', not: 'GOPROXY' },
  { name: 'a go.mod that asks for a Go release that does not exist', files: { 'go.mod': 'module example.com/x\n\ngo 1.99\n', 'main.go': MAIN }, code: ErrorCode.GO_VERSION, names: 'go line of go.mod (line 3) asks for Go 1.99', allowed: 'install Go 1.99 or newer', not: 'check GOPROXY and network access' },
  { name: 'a replace pointing at a missing folder', files: { 'go.mod': 'module example.com/x\n\ngo 1.22\n\nrequire example.com/other v0.0.0\n\nreplace example.com/other => ../nowhere\n', 'main.go': 'package main\n\nimport _ "example.com/other"\n\nfunc main() {}\n' }, code: ErrorCode.TOOL_FAILED, names: 'replaced by ../nowhere', allowed: 'a replace directive in go.mod points at a folder that does not exist', not: 'GOPROXY' },
  { name: '--main at a folder that does not exist', files: { 'go.mod': mod('app'), 'main.go': MAIN }, flags: ['--main', './cmd/nope'], code: B, names: /cmd\/nope: directory not found/, allowed: "main './cmd/nope' must be a folder of package main" },
  { name: 'a module with no .go files', files: { 'go.mod': mod('empty'), 'README.md': '# nothing\n' }, code: B, names: 'no Go files in', allowed: "must be a folder of package main inside the module, like '.'" },
  { name: 'a package whose files are all excluded by //go:build', files: { 'go.mod': mod('ignored'), 'main.go': '//go:build ignore\n\n' + MAIN }, code: B, names: 'build constraints exclude all Go files', allowed: 'check them against the tags' },
  { name: 'package main without func main', files: { 'go.mod': mod('nofunc'), 'main.go': 'package main\n\nfunc helper() {}\n' }, code: B, names: 'function main is undeclared', allowed: 'has no func main()' },
  { name: 'an import no module provides', files: { 'go.mod': mod('dep'), 'main.go': 'package main\n\nimport _ "example.com/doesnotexist/pkg"\n\nfunc main() {}\n' }, code: B, names: 'no required module provides package example.com/doesnotexist/pkg', allowed: 'go get example.com/doesnotexist/pkg' },
  { name: 'a time zone Go does not know', files: { 'go.mod': mod('tz'), 'main.go': MAIN }, flags: ['--timezones', 'Mars/Olympus'], code: ErrorCode.INVALID_SPEC, names: "'Mars/Olympus' not in Go's tz database", allowed: "zone names look like 'Europe/Berlin'" },
  {
    name: 'copy() of a file that does not exist',
    files: { 'svc/go.mod': mod('svc'), 'svc/main.go': MAIN, 'gostatic.config.ts': `import { goService } from ${api}\nexport default { services: [goService({ name: 'svc', source: 'svc' }).copy('static/index.html', '/www/index.html')] }\n` },
    code: ErrorCode.INPUT_NOT_FOUND, names: "'static/index.html' does not exist", allowed: 'copy() paths are relative to the service source folder',
  },
  {
    name: 'a secret from an unset variable',
    files: { 'svc/go.mod': mod('svc'), 'svc/main.go': MAIN, 'gostatic.config.ts': `import { goService } from ${api}\nexport default { services: [goService({ name: 'svc', source: 'svc' }).secret({ id: 'token', from: { env: 'GOSTATIC_TEST_UNSET_TOKEN' }, as: { env: 'TOKEN' } })] }\n` },
    code: ErrorCode.INVALID_CONFIG, names: "secret 'token': environment variable GOSTATIC_TEST_UNSET_TOKEN is not set", allowed: 'export GOSTATIC_TEST_UNSET_TOKEN=',
  },
]

function writeFiles(dir: string, files: Files): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
}

describe.skipIf(missing('go'))('Go projects gostatic cannot build: the package or file named, nothing written', () => {
  for (const c of cases) {
    it(`reports ${c.name}`, async () => {
      const d = caseDirs(root, c.name)
      const project = join(d.root, 'project')
      writeFiles(project, c.files)
      const env = { GOSTATIC_TEST_UNSET_TOKEN: undefined, GOFLAGS: undefined, GOTOOLCHAIN: undefined }
      const r = await runCli(['build', project, '--engine', 'local', '--out', d.out, ...(c.flags ?? [])], d, env)
      expectCliError(r, c)
      if (c.not) expect(r.stderr).not.toContain(c.not)
      expectNothingLeft(d)
    })
  }
})
