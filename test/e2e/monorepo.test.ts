// goWorkspace over examples/monorepo: a go.work with two modules and three
// services, one with a third-party module fetched through the Go proxy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { goWorkspace, type WorkspaceResult } from '../../src/index.js'
import { runTool } from '../../src/util/run-tool.js'
import { readOciArchive, readFileFromImage } from '../../src/oci/oci-reader.js'
import { readElf } from '../../src/inspect/elf-reader.js'
import { missing } from '../support/tools.js'
import { dockerLoad, missingDocker, runContainer } from '../support/runtime.js'
import { withGo, type GoRunner } from '../support/go-seam.js'

const example = resolve('examples/monorepo')
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-monorepo-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const services = ['platform/services/api', 'platform/services/worker', 'tools/migrate']
const ws = (root: string) =>
  goWorkspace({ root })
    .services(services)
    .defaults((s) => s.runtime('static').platforms('linux/amd64', 'linux/arm64').ldflags({ X: { 'example.com/monorepo/platform/pkg/buildinfo.Version': '1.0.0' } }))

describe.skipIf(missing('go') || missingDocker())('goWorkspace: examples/monorepo', () => {
  let result: WorkspaceResult
  let tars: Map<string, { path: string }>
  beforeAll(async () => {
    result = await ws(example).build({ engine: 'local', concurrency: 2 })
    tars = await result.exportAll(join(tmp, 'dist'))
  })

  it('builds all three services, and each image runs', async () => {
    expect(result.services.map((s) => [s.name, s.ok])).toEqual([['api', true], ['worker', true], ['migrate', true]])
    for (const name of ['api', 'worker', 'migrate']) {
      const image = await dockerLoad(tars.get(name)!.path)
      const r = await runContainer(image, { args: ['--version'] })
      expect(r.stdout.trim(), r.stderr).toBe(`${name} 1.0.0`)
    }
  })

  it('puts both platforms in one image index, and the arm64 binary is a static aarch64 ELF', async () => {
    const archive = await readOciArchive(tars.get('api')!.path)
    expect(archive.images.map((i) => `${i.platform.os}/${i.platform.architecture}`).sort()).toEqual(['linux/amd64', 'linux/arm64'])
    const bin = await readFileFromImage(archive, { os: 'linux', architecture: 'arm64' }, '/usr/local/bin/api')
    const elf = readElf(bin!)
    expect(elf).toMatchObject({ machine: 'aarch64', isStatic: true, interpreter: null, needed: [] })
  })
})

describe.skipIf(missing('go'))('goWorkspace failure isolation and vendor mode', () => {
  it('fails a broken service alone, with a clear error, and builds the others', async () => {
    const root = join(tmp, 'broken')
    cpSync(example, root, { recursive: true })
    mkdirSync(join(root, 'platform/services/broken'))
    writeFileSync(join(root, 'platform/services/broken/main.go'), 'package main\n\nfunc main() {\n\tnotDefined()\n}\n')
    const r = await ws(root).services(['platform/services/broken']).defaults((s) => s.platforms('linux/amd64')).build({ engine: 'local', concurrency: 2 })
    expect(r.ok).toBe(false)
    const broken = r.services.find((s) => s.name === 'broken')!
    expect(broken.ok).toBe(false)
    expect(!broken.ok && broken.error.code).toBe('GO_BUILD_FAILED')
    expect(!broken.ok && broken.error.message).toContain('services/broken/main.go:4:2: undefined: notDefined')
    expect(r.services.filter((s) => s.ok).map((s) => s.name)).toEqual(['api', 'worker', 'migrate'])
  })

  it("turns a bug hit in one service into that service's INTERNAL outcome asking for a report, and builds the others", async () => {
    // The go seam stands in for a bug: a TypeError, not a GostaticError, while building worker only.
    const bug = new TypeError("Cannot read properties of undefined (reading 'digest')")
    const runGo: GoRunner = (args, o) =>
      args.some((a) => a.includes('services/worker')) ? Promise.reject(bug) : runTool('go', args, o)
    const r = await ws(example).defaults((s) => s.platforms('linux/amd64')).build({ engine: 'local', concurrency: 2, ...withGo(runGo), cacheDir: null })
    expect(r.services.map((s) => [s.name, s.ok])).toEqual([['api', true], ['worker', false], ['migrate', true]])
    const worker = r.services[1]!
    expect(worker.ok === false && worker.error).toMatchObject({
      code: 'INTERNAL',
      message: "building worker: internal error, please report it with the command you ran: TypeError: Cannot read properties of undefined (reading 'digest')",
      hint: 'GOSTATIC_DEBUG=1 shows the stack',
      cause: bug,
    })
    expect((await r.exportAll(join(tmp, 'internal'))).size).toBe(2)
  })

  it('builds vendored with no network (GOPROXY=off, an empty module cache) and names the module when vendor/ is out of sync', async () => {
    const root = join(tmp, 'vendored')
    cpSync(example, root, { recursive: true })
    const vws = ws(root).defaults((s) => s.platforms('linux/amd64')).vendor()
    // First run vendors (go work vendor) with the proxy reachable.
    expect((await vws.build({ engine: 'local' })).ok).toBe(true)
    const offline = { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=vendor', GOMODCACHE: mkdtempSync(join(tmp, 'modcache-')) }
    const r = await vws.build({ engine: 'local', env: offline })
    expect(r.services.map((s) => (s.ok ? s.name : `${s.name}: ${s.error.message}`))).toEqual(['api', 'worker', 'migrate'])
    appendFileSync(join(root, 'platform/go.mod'), '\nrequire golang.org/x/sync v0.10.0\n')
    const bad = await vws.build({ engine: 'local', env: offline })
    const api = bad.services.find((s) => s.name === 'api')!
    expect(api.ok).toBe(false)
    expect(!api.ok && api.error.code).toBe('VENDOR_OUT_OF_SYNC')
    expect(!api.ok && api.error.message).toContain('golang.org/x/sync@v0.10.0')
  })
})
