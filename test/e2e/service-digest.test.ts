// Each service's inputs digest (what the warm skip compares) moves exactly
// when something its go build reads moves: a shared package moves every
// user's, an embedded file or a default.pgo only its service's, a README
// none. Real go list on a real module; nothing is built.
import { afterAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { goService } from '../../src/index.js'
import { serviceDigests } from '../../src/workspace/service-digest.js'
import { missing } from '../support/tools.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-digest-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const write = (rel: string, text: string) => {
  mkdirSync(dirname(join(tmp, rel)), { recursive: true })
  writeFileSync(join(tmp, rel), text)
}

async function digests(): Promise<Record<string, string | null>> {
  const plans = ['a', 'b'].map((s) => {
    const svc = goService({ name: s, source: tmp, main: `./cmd/${s}` })
    // a's image holds a second program: its package is one of a's inputs too.
    const p = (s === 'a' ? svc.binary({ main: './cmd/migrate', path: '/usr/local/bin/migrate' }) : svc).plan()
    return { ...p, source: { ...p.source, dir: tmp } }
  })
  const env = { ...process.env, GOFLAGS: '-modcacherw' }
  const [a, b] = await serviceDigests(plans, env)
  return { a: a!, b: b! }
}

describe.skipIf(missing('go'))('service inputs digest', () => {
  it('moves with the files each service is built from, and only those', async () => {
    write('go.mod', 'module example.com/digest\n\ngo 1.22\n')
    write('shared/shared.go', 'package shared\n\nconst Word = "w"\n')
    write(
      'cmd/a/main.go',
      'package main\n\nimport (\n\t_ "embed"\n\t"example.com/digest/shared"\n)\n\n' +
        '//go:embed page.txt\nvar page string\n\nfunc main() { println(shared.Word, page) }\n',
    )
    write('cmd/a/page.txt', 'one\n')
    write('cmd/b/main.go', 'package main\n\nimport "example.com/digest/shared"\n\nfunc main() { println(shared.Word) }\n')
    write('cmd/migrate/main.go', 'package main\n\nfunc main() { println("migrate") }\n')
    write('README.md', '# one\n')
    const first = await digests()
    expect(first.a).toMatch(/^[0-9a-f]{64}$/)
    expect(first.b).toMatch(/^[0-9a-f]{64}$/)
    expect(await digests()).toEqual(first)

    write('README.md', '# two\n')
    expect(await digests()).toEqual(first)

    write('cmd/a/page.txt', 'two\n')
    const embed = await digests()
    expect(embed.a).not.toEqual(first.a)
    expect(embed.b).toEqual(first.b)

    write('cmd/b/default.pgo', 'not a real profile\n')
    const pgo = await digests()
    expect(pgo.a).toEqual(embed.a)
    expect(pgo.b).not.toEqual(embed.b)

    write('shared/shared.go', 'package shared\n\nconst Word = "x"\n')
    const shared = await digests()
    expect(shared.a).not.toEqual(pgo.a)
    expect(shared.b).not.toEqual(pgo.b)

    // A .binary() program's source, or its default.pgo, moves the digest of the service that ships it.
    write('cmd/migrate/main.go', 'package main\n\nfunc main() { println("migrate v2") }\n')
    const binary = await digests()
    expect(binary.a).not.toEqual(shared.a)
    expect(binary.b).toEqual(shared.b)
    write('cmd/migrate/default.pgo', 'not a real profile\n')
    expect((await digests()).a).not.toEqual(binary.a)
  }, 120_000)
})
