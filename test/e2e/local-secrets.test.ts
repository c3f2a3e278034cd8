// Build secrets on the local engine reach the go process, never the image,
// and leave nothing behind.
import { describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { goService, GostaticError } from '../../src/index.js'
import { runTool } from '../../src/util/run-tool.js'
import { missing } from '../support/tools.js'
import { withGo } from '../support/go-seam.js'

describe.skipIf(missing('go'))('local engine secrets', () => {
  it('passes an env secret and a .netrc to go only, 0600, and removes the .netrc afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gostatic-secret-'))
    writeFileSync(join(dir, 'netrc'), 'machine git.example.com login bot password s3cret\n')
    const seen: { token?: string; netrc?: string; mode?: number; content?: string } = {}
    const svc = goService({ name: 'hello', source: resolve('examples/hello') })
      .secret({ id: 'gh', from: { env: 'GOSTATIC_TEST_TOKEN' }, as: { env: 'GITHUB_TOKEN' } })
      .secret({ id: 'netrc', from: { file: join(dir, 'netrc') }, as: { file: '/root/.netrc' } })
    const r = await svc.build({
      engine: 'local',
      env: { ...process.env, GOSTATIC_TEST_TOKEN: 'tok-123' },
      ...withGo(async (args, o) => {
        if (args[0] === 'build') {
          seen.token = o.env['GITHUB_TOKEN']
          seen.netrc = o.env['NETRC']
          seen.mode = statSync(seen.netrc!).mode & 0o777
          seen.content = readFileSync(seen.netrc!, 'utf8')
        }
        return runTool('go', args, o)
      }),
    })
    expect(seen).toMatchObject({ token: 'tok-123', mode: 0o600, content: 'machine git.example.com login bot password s3cret\n' })
    expect(existsSync(seen.netrc!)).toBe(false)
    expect(JSON.stringify(r.images[0]!.config)).not.toContain('tok-123')
  })

  it('says which secret is missing and how to provide it', async () => {
    const err = (await goService({ name: 'hello', source: resolve('examples/hello') })
      .secret({ id: 'gh', from: { env: 'GOSTATIC_NOT_SET_ANYWHERE' }, as: { env: 'GITHUB_TOKEN' } })
      .build({ engine: 'local' })
      .catch((e: unknown) => e)) as GostaticError
    expect(err.code).toBe('INVALID_CONFIG')
    expect(err.message).toBe("secret 'gh': environment variable GOSTATIC_NOT_SET_ANYWHERE is not set")
  })

  it('refuses a file secret it cannot place on the host, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gostatic-secret-'))
    writeFileSync(join(dir, 'key'), 'k')
    const err = (await goService({ name: 'hello', source: resolve('examples/hello') })
      .secret({ id: 'ssh', from: { file: join(dir, 'key') }, as: { file: '/root/.ssh/id_ed25519' } })
      .build({ engine: 'local' })
      .catch((e: unknown) => e)) as GostaticError
    expect(err.code).toBe('UNSUPPORTED')
    expect(err.message).toContain("secret 'ssh': the local engine cannot mount a file at /root/.ssh/id_ed25519")
  })
})
