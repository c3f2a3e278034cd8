// A service that needs a private module behind a login: the module comes from
// a Go proxy on loopback that answers 401 without the credentials. The
// workspace's own `go mod download` (and the CLI build, which runs through it)
// must use the plan's GOPROXY, GOPRIVATE and .netrc secret: without the secret
// the build fails at the download, with it the binary holds the private code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { goWorkspace, type GoService, type WorkspaceResult } from '../../src/index.js'
import type { EngineEvent } from '../../src/engines/events.js'
import { readOciArchive, readFileFromImage } from '../../src/oci/oci-reader.js'
import { runTool } from '../../src/util/run-tool.js'
import { missing } from '../support/tools.js'
import { runCli } from '../support/cli.js'
import { startPrivateGoProxy, type PrivateGoProxy } from '../support/private-goproxy.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-private-module-'))
const root = join(tmp, 'svc')
const netrcFile = join(tmp, 'netrc')
let proxy: PrivateGoProxy
const MAIN = 'package main\n\nimport (\n\t"fmt"\n\n\t"secret.example/lib"\n)\n\nfunc main() { fmt.Println(lib.Greeting()) }\n'

/** The host trusts the proxy's certificate (as a company CA would be installed); the module cache starts empty. */
const hostEnv = (): NodeJS.ProcessEnv => ({ ...process.env, SSL_CERT_FILE: proxy.certFile, GOMODCACHE: mkdtempSync(join(tmp, 'modcache-')) })
const privateModules = (s: GoService) => s.platforms('linux/amd64').goPrivate('secret.example').env({ GOPROXY: proxy.url, GONOPROXY: 'none' })
const netrcSecret = { id: 'netrc', from: { file: netrcFile }, as: { file: '/root/.netrc' } }
const workspace = (secret: boolean) => goWorkspace({ root }).defaults((s) => (secret ? privateModules(s).secret(netrcSecret) : privateModules(s)))

/** Runs the linux/amd64 binary at `path` of an exported image on this host. */
async function runBinary(tar: string, path: string): Promise<string> {
  const file = join(tmp, `bin-${Math.random().toString(36).slice(2)}`)
  writeFileSync(file, (await readFileFromImage(await readOciArchive(tar), { os: 'linux', architecture: 'amd64' }, path))!)
  chmodSync(file, 0o755)
  return (await runTool(file, [])).stdout.trim()
}

describe.skipIf(missing('go', 'openssl'))('a private module behind a secret', () => {
  beforeAll(async () => {
    proxy = await startPrivateGoProxy(
      { path: 'secret.example/lib', version: 'v1.0.0', files: { 'go.mod': 'module secret.example/lib\n\ngo 1.22\n', 'lib.go': 'package lib\n\nfunc Greeting() string { return "private hello" }\n' } },
      tmp,
    )
    writeFileSync(netrcFile, proxy.netrc, { mode: 0o600 })
    for (const name of ['priv-a', 'priv-b']) {
      mkdirSync(join(root, 'cmd', name), { recursive: true })
      writeFileSync(join(root, 'cmd', name, 'main.go'), MAIN)
    }
    writeFileSync(join(root, 'go.mod'), 'module example.com/svc\n\ngo 1.22\n\nrequire secret.example/lib v1.0.0\n')
    // go.sum as a developer with access has it.
    const tidy = await runTool('go', ['mod', 'tidy'], { cwd: root, env: { ...hostEnv(), NETRC: netrcFile, GOPROXY: proxy.url, GONOPROXY: 'none', GOPRIVATE: 'secret.example', GOFLAGS: '' } })
    expect(tidy.exitCode, tidy.stderr).toBe(0)
    const configs = { 'with-secret.mjs': { secrets: [netrcSecret] }, 'without-secret.mjs': {} }
    for (const [file, extra] of Object.entries(configs)) {
      const svc = { name: 'priv', source: '.', main: './cmd/priv-a', goPrivate: ['secret.example'], env: { GOPROXY: proxy.url, GONOPROXY: 'none' }, ...extra }
      writeFileSync(join(root, file), `export default ${JSON.stringify({ services: [svc] })}\n`)
    }
  })
  afterAll(async () => {
    await proxy?.close()
    rmSync(tmp, { recursive: true, force: true })
  })

  describe('workspace build', () => {
    let withSecret: WorkspaceResult
    const events: EngineEvent[] = []
    beforeAll(async () => {
      withSecret = await workspace(true).build({ engine: 'local', env: hostEnv(), concurrency: 2, onEvent: (e) => events.push(e) })
    })

    it('downloads once with the secret and builds both services with the private code', async () => {
      expect(withSecret.services.map((s) => (s.ok ? s.name : `${s.name}: ${s.error.message}`))).toEqual(['priv-a', 'priv-b'])
      expect(events).toContainEqual({ kind: 'info', service: 'workspace', message: `modules downloaded once for ${root}` })
      const tars = await withSecret.exportAll(join(tmp, 'dist'))
      expect(await runBinary(tars.get('priv-a')!.path, '/usr/local/bin/priv-a')).toBe('private hello')
      expect(proxy.requests).toContainEqual({ path: '/secret.example/lib/@v/v1.0.0.zip', authorized: true })
    })

    it('fails every service at the download without the secret, with the 401 and what to do', async () => {
      const r = await workspace(false).build({ engine: 'local', env: hostEnv(), concurrency: 2 })
      expect(r.ok).toBe(false)
      for (const s of r.services) {
        expect(s.ok).toBe(false)
        if (s.ok) continue
        expect(s.error.code).toBe('TOOL_FAILED')
        expect(s.error.message).toContain(`go mod download failed in ${root}`)
        expect(s.error.message).toContain('401 Unauthorized')
        expect(s.error.hint).toContain('.secret(')
      }
    })
  })

  describe('gostatic build', () => {
    it('builds the service of a config that gives the secret', async () => {
      const out = join(tmp, 'cli', 'priv.tar')
      const r = await runCli(['build', root, '--config', join(root, 'with-secret.mjs'), '--engine', 'local', '--out', out, '--json'], { env: hostEnv() })
      expect(r.code, r.stderr + r.stdout).toBe(0)
      expect(JSON.parse(r.stdout)).toMatchObject([{ service: 'priv', ok: true }])
      expect(await runBinary(out, '/usr/local/bin/priv')).toBe('private hello')
    })

    it('fails at the download when the config gives no secret', async () => {
      const r = await runCli(['build', root, '--config', join(root, 'without-secret.mjs'), '--engine', 'local', '--out', join(tmp, 'cli', 'none.tar'), '--json'], { env: hostEnv() })
      expect(r.code).toBe(1)
      const [o] = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; message: string } }[]
      expect(o).toMatchObject({ ok: false, error: { code: 'TOOL_FAILED' } })
      expect(o!.error.message).toContain('401 Unauthorized')
    })
  })
})
