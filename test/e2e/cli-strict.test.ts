// CI gates through the real CLI: inspect --strict and doctor --strict exit 1
// on a failing verdict and say which; without --strict they only report.
import { afterAll, describe, expect, it } from 'vitest'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { goService } from '../../src/index.js'
import { missing } from '../support/tools.js'
import { runCli } from '../support/cli.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-cli-strict-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A module whose main looks up a zone by name: it needs zoneinfo at run time. */
function zoneModule(dir: string): string {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'go.mod'), 'module example.com/zones\n\ngo 1.21\n')
  const main = 'package main\n\nimport (\n\t"fmt"\n\t"time"\n)\n\n'
  writeFileSync(join(dir, 'main.go'), `${main}func main() { fmt.Println(time.LoadLocation("Asia/Shanghai")) }\n`)
  return dir
}

describe('gostatic inspect --strict', () => {
  it('exits 1 on a dynamically linked binary, naming the verdict; without --strict it exits 0', async () => {
    // node itself is a dynamically linked ELF on every Linux this runs on.
    const plain = await runCli(['inspect', process.execPath])
    expect(plain.code, plain.stderr).toBe(0)
    const strict = await runCli(['inspect', process.execPath, '--strict'])
    expect(strict.code).toBe(1)
    expect(strict.stderr).toMatch(/inspect --strict: \d+ failing verdicts?\n {2}- linked dynamic: needs /)
  })

  it.skipIf(missing('go'))('exits 0 on a static image whose needs are met', async () => {
    const src = join(tmp, 'hello')
    cpSync(resolve('examples/hello'), src, { recursive: true })
    const out = join(tmp, 'hello.tar')
    const b = await runCli(['build', src, '--out', out, '--reporter', 'silent'])
    expect(b.code, b.stderr).toBe(0)
    const r = await runCli(['inspect', out, '--strict'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toBe('')
  })

  it.skipIf(missing('go'))('exits 1 on an image that lacks what the binary needs (zoneinfo on scratch)', async () => {
    const src = zoneModule(join(tmp, 'zones'))
    // Built through the API, told to ignore the need, so the image really lacks zoneinfo.
    const result = await goService({ name: 'zones', source: src }).runtime('scratch').needs({ ignore: ['zoneinfo'] })
      .build({ engine: 'local', reporter: 'silent' })
    const out = (await result.exportTarball(join(tmp, 'zones.tar'))).path
    expect((await runCli(['inspect', out])).code).toBe(0)
    const r = await runCli(['inspect', out, '--strict', '--json'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('linux/amd64: needs zoneinfo: ')
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'image' })
  })
})

describe.skipIf(missing('go'))('gostatic doctor --strict', () => {
  it('exits 1 on a warning that plain doctor lets pass', async () => {
    const src = zoneModule(join(tmp, 'doctor-zones'))
    const plain = await runCli(['doctor', src])
    expect(plain.code, plain.stderr).toBe(0)
    expect(plain.stdout).toContain('time.LoadLocation')
    const strict = await runCli(['doctor', src, '--strict'])
    expect(strict.code).toBe(1)
    expect(strict.stderr).toMatch(/doctor --strict: 1 warning/)
  })
})
