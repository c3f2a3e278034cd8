// A GOPROXY that authenticates with a token in its query string: go quotes
// the URL, token and all, when the proxy refuses a module. The build's error
// (message and the stderr it carries) must show the URL with the token masked.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goService, type ToolError } from '../../src/index.js'
import { missing } from '../support/tools.js'

const TOKEN = 'goproxy-tok-5e1f0a77'
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-e2e-goproxy-'))
const requests: string[] = []
// The module proxy under test: it refuses every module, as a proxy does for a bad token.
const server = createServer((req, res) => {
  requests.push(req.url ?? '')
  res.writeHead(404).end('not found')
})

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
})
afterAll(() => {
  server.close()
  rmSync(tmp, { recursive: true, force: true })
})

describe.skipIf(missing('go'))('a GOPROXY token in a go error', () => {
  it('is masked in the message and in the stderr the error carries', async () => {
    const src = join(tmp, 'app')
    mkdirSync(src)
    writeFileSync(join(src, 'go.mod'), 'module example.com/app\n\ngo 1.22\n\nrequire example.com/private v1.0.0\n')
    writeFileSync(join(src, 'main.go'), 'package main\n\nimport _ "example.com/private"\n\nfunc main() {}\n')
    const port = (server.address() as AddressInfo).port
    const env = {
      ...process.env,
      GOPROXY: `http://127.0.0.1:${port}/?token=${TOKEN}`,
      GOSUMDB: 'off',
      GOFLAGS: '-mod=mod',
      GOMODCACHE: join(tmp, 'modcache'),
    }
    const err = (await goService({ name: 'app', source: src })
      .build({ engine: 'local', env, cacheDir: join(tmp, 'cache'), reporter: 'silent' })
      .catch((e: unknown) => e)) as ToolError
    // go really sent the token: the masking, not a missing request, keeps it out of the error.
    expect(requests.some((u) => u.includes(`token=${TOKEN}`))).toBe(true)
    expect(['TOOL_FAILED', 'GO_BUILD_FAILED']).toContain(err.code)
    expect(err.message).toMatch(/example\.com\/private\/@v\/v1\.0\.0\.mod\?token=\*\*\*: 404/)
    expect(err.message).not.toContain(TOKEN)
    expect(err.stderr).not.toContain(TOKEN)
    expect(JSON.stringify(err.cmd)).not.toContain(TOKEN)
  })
})
