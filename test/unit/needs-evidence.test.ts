// The runtime-needs rules on real programs: each small program below is
// built (amd64, -s -w, CGO_ENABLED=0) with the host Go and with go1.21.13,
// its function table and build info are read back, and the needs derived
// from them must be exactly the ones its code has. This is where the
// evidence names in plan/runtime-needs.ts were picked and where a Go release
// that renames them shows up.
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readNeedsEvidence } from '../../src/inspect/needs-evidence.js'
import { deriveNeeds } from '../../src/plan/runtime-needs.js'
import type { NeedId } from '../../src/plan/runtime-needs.js'
import { OLD_GO, missing, missingToolchain } from '../support/tools.js'

const exec = promisify(execFile)

const main = (imports: string[], body: string): string =>
  `package main\n\nimport (\n${imports.map((i) => `\t${i.startsWith('_') ? i : JSON.stringify(i)}`).join('\n')}\n)\n\nfunc main() {\n${body}\n}\n`

// program → the needs its code has (and which of them the binary meets itself).
const PROGRAMS: Record<string, { src: string; needs: NeedId[]; embedded?: NeedId[]; module?: string }> = {
  hello: { src: main(['fmt'], '\tfmt.Println("hello")'), needs: [] },
  zone: { src: main(['fmt', 'time'], '\tfmt.Println(time.LoadLocation("Asia/Shanghai"))'), needs: ['zoneinfo'] },
  tzdata: {
    src: main(['fmt', 'time', '_ "time/tzdata"'], '\tfmt.Println(time.LoadLocation("Asia/Shanghai"))'),
    needs: ['zoneinfo'],
    embedded: ['zoneinfo'],
  },
  user: { src: main(['fmt', 'os/user'], '\tfmt.Println(user.Current())\n\tfmt.Println(user.LookupGroupId("0"))'), needs: ['users'] },
  dns: { src: main(['fmt', 'net'], '\tfmt.Println(net.LookupHost("localhost"))'), needs: ['name-resolution', 'service-names'] },
  port: { src: main(['fmt', 'net'], '\tfmt.Println(net.LookupPort("tcp", "postgresql"))'), needs: ['service-names'] },
  temp: { src: main(['fmt', 'os'], '\tfmt.Println(os.CreateTemp("", "x"))'), needs: ['temp-dir'] },
  // A server that only listens: net/http links its client, TLS and the resolver too.
  server: {
    src: main(['net/http'], '\thttp.ListenAndServe(":8080", nil)'),
    needs: ['ca-roots', 'name-resolution', 'service-names'],
  },
  https: { src: main(['fmt', 'net/http'], '\tfmt.Println(http.Get("https://example.com/"))'), needs: ['ca-roots', 'name-resolution', 'service-names'] },
}

// Programs with a third-party module (from the module cache, or the module proxy on a fresh machine).
const MODULE_PROGRAMS: Record<string, { src: string; module: string; needs: NeedId[]; embedded?: NeedId[] }> = {
  sqlite: {
    src: main(['database/sql', 'fmt', '_ "github.com/mattn/go-sqlite3"'], '\tdb, _ := sql.Open("sqlite3", ":memory:")\n\tfmt.Println(db.Ping())'),
    module: 'github.com/mattn/go-sqlite3@v1.14.24',
    needs: ['cgo-stub'],
  },
  fallback: {
    src: main(['fmt', 'net/http', '_ "golang.org/x/crypto/x509roots/fallback"'], '\tfmt.Println(http.Get("https://example.com/"))'),
    module: 'golang.org/x/crypto/x509roots/fallback@v0.0.0-20261030153154-30a33513ff6d',
    needs: ['ca-roots', 'name-resolution', 'service-names'],
    embedded: ['ca-roots'],
  },
}

const baseEnv = { ...process.env, GOWORK: 'off', GOFLAGS: '-mod=mod', CGO_ENABLED: '0', GOARCH: 'amd64' }

let work: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gostatic-needs-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

async function build(toolchain: string, name: string, src: string, module?: string): Promise<Uint8Array> {
  const dir = join(work, toolchain, name)
  await mkdir(dir, { recursive: true })
  const [path, version] = module?.split('@') ?? []
  const gomod = `module example.com/${name}\n\ngo 1.21\n${path ? `\nrequire ${path} ${version}\n` : ''}`
  await writeFile(join(dir, 'go.mod'), gomod)
  await writeFile(join(dir, 'main.go'), src)
  const env = { ...baseEnv, GOTOOLCHAIN: toolchain }
  if (module) await exec('go', ['mod', 'tidy'], { cwd: dir, env })
  await exec('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', 'app', '.'], { cwd: dir, env })
  return readFile(join(dir, 'app'))
}

function needsOf(bytes: Uint8Array): { ids: NeedId[]; embedded: NeedId[]; evidence: Record<string, readonly string[]> } {
  const r = readNeedsEvidence(bytes)
  if (r.evidence === null) throw new Error(`no evidence: ${r.reason}`)
  const needs = deriveNeeds(r.evidence)
  return {
    ids: needs.map((n) => n.id),
    embedded: needs.filter((n) => n.embedded !== null).map((n) => n.id),
    evidence: Object.fromEntries(needs.map((n) => [n.id, n.evidence])),
  }
}

for (const toolchain of ['local', OLD_GO]) {
  describe.skipIf(toolchain === 'local' ? missing('go') : missingToolchain(toolchain))(`needs of real programs built by the ${toolchain} toolchain`, () => {
    it.each(Object.keys(PROGRAMS))('%s', async (name) => {
      const p = PROGRAMS[name]!
      const got = needsOf(await build(toolchain, name, p.src))
      expect(got.ids).toEqual(p.needs)
      expect(got.embedded).toEqual(p.embedded ?? [])
    })
  })
}

describe.skipIf(missing('go'))('needs of real programs with a third-party module', () => {
  it.each(Object.keys(MODULE_PROGRAMS))('%s', async (name) => {
    const p = MODULE_PROGRAMS[name]!
    const got = needsOf(await build('local', name, p.src, p.module))
    expect(got.ids).toEqual(p.needs)
    expect(got.embedded).toEqual(p.embedded ?? [])
  })
})

describe.skipIf(missing('go'))('evidence', () => {
  it('names the functions it found', async () => {
    const got = needsOf(await build('local', 'evidence', PROGRAMS['user']!.src))
    expect(got.evidence).toEqual({ users: ['os/user.Current', 'os/user.LookupGroupId'] })
    expect(needsOf(await build('local', 'evidence-https', PROGRAMS['https']!.src)).evidence).toEqual({
      'ca-roots': ['crypto/x509.loadSystemRoots'],
      'name-resolution': ['net.getSystemNSS'],
      'service-names': ['net.readServices', 'net.(*Resolver).LookupPort'],
    })
  })
})
