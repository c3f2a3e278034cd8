// No error message quotes a secret: a build secret's value, a password in a
// URL, a token in a URL's query (go quotes GOPROXY's), or a credential file's
// content. Real files in a temp dir; the errors are the ones a user would see.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ErrorCode, GostaticError, ToolError } from '../../src/errors.js'
import { maskToolOutput, rememberSecret } from '../../src/secret-mask.js'
import { readDockerConfig } from '../../src/registry/docker-config.js'
import { secretValue } from '../../src/toolchain/secret-value.js'
import { goCommandError } from '../../src/toolchain/go-errors.js'

const dir = mkdtempSync(join(tmpdir(), 'gostatic-mask-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const run = (stderr: string) => ({ cmd: ['go', 'mod', 'download'], exitCode: 1, signal: null, stdout: '', stderr })

describe('masking tool output', () => {
  it('masks a GOPROXY query token and a URL password in a go error', () => {
    const stderr =
      'go: example.com/private@v1.0.0: reading https://proxy.example.com/example.com/private/@v/v1.0.0.mod' +
      '?token=s3cr3t-T0KEN&x=1: 404 Not Found\n\tserver response: not found (https://bob:hunter22@git.example.com/x)'
    const e = goCommandError('go mod download failed for hello', run(stderr))
    expect(e.message).not.toContain('s3cr3t-T0KEN')
    expect(e.message).not.toContain('hunter22')
    expect(e.stderr).not.toContain('s3cr3t-T0KEN')
    expect(e.message).toContain('v1.0.0.mod?token=***&x=***: 404 Not Found')
    expect(e.message).toContain('https://***@git.example.com/x')
  })

  it('masks each part of a GOPROXY list on its own', () => {
    expect(maskToolOutput('GOPROXY=https://a.example/?k=v1,https://b.example/p?auth=v2,direct')).toBe(
      'GOPROXY=https://a.example/?k=***,https://b.example/p?auth=***,direct',
    )
  })

  it("masks a build secret's value, and the password of a .netrc secret, in any error", () => {
    const netrc = join(dir, 'netrc')
    writeFileSync(netrc, 'machine git.example.com\nlogin ci-bot\npassword ghp_abcdef123456\n')
    secretValue('netrc', { file: netrc }, {})
    secretValue('tok', { env: 'MY_TOKEN' }, { MY_TOKEN: 'tok-987654321' })
    const e = new ToolError(ErrorCode.GO_BUILD_FAILED, 'go build failed: auth ghp_abcdef123456 refused; tok-987654321', run('ghp_abcdef123456'))
    expect(e.message).toBe('go build failed: auth *** refused; ***')
    expect(e.stderr).toBe('***')
    expect(new GostaticError(ErrorCode.TOOL_FAILED, 'x tok-987654321 y').message).toBe('x *** y')
  })

  it('leaves values too short to be told from words alone', () => {
    rememberSecret('ab')
    expect(new GostaticError(ErrorCode.TOOL_FAILED, 'a tab b').message).toBe('a tab b')
  })
})

describe('credential files', () => {
  it('a docker config.json that is not JSON: the error names the file, not its content', async () => {
    const d = mkdtempSync(join(dir, 'cfg-'))
    writeFileSync(join(d, 'config.json'), '{"auths": {"ghcr.io": {"auth": dG9rZW46cGFzc3dvcmQ=}}}')
    const e = await readDockerConfig(d).then(
      () => undefined,
      (x: unknown) => x as GostaticError,
    )
    expect(e?.code).toBe('INVALID_CONFIG')
    expect(e?.message).toContain(join(d, 'config.json'))
    expect(e?.message).toContain('not valid JSON')
    expect(e?.message).not.toContain('dG9rZW46')
    expect(String(e?.cause ?? '')).not.toContain('dG9rZW46')
  })

  it('a field of the wrong type is named by its path, its value is not quoted', async () => {
    const d = mkdtempSync(join(dir, 'cfg-'))
    writeFileSync(join(d, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: 12345678901 } }, credsStore: 987654321 }))
    const e = (await readDockerConfig(d).catch((x: unknown) => x)) as GostaticError
    expect(e.code).toBe('INVALID_CONFIG')
    expect(e.message).toContain('auths["ghcr.io"]["auth"]')
    expect(e.message).toContain('credsStore')
    expect(e.message).not.toContain('12345678901')
    expect(e.message).not.toContain('987654321')
  })
})
