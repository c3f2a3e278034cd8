// `gostatic build --push REF` is parsed into the build flags.
import { describe, expect, it } from 'vitest'
import { parseCLI } from '../../src/cli/parse-cli.js'

describe('gostatic build --push', () => {
  it('takes a reference to publish to', () => {
    const c = parseCLI(['build', 'svc', '--push', '127.0.0.1:5000/team/{name}:1.0'])
    expect(c).toMatchObject({ kind: 'build', dir: 'svc', flags: { push: '127.0.0.1:5000/team/{name}:1.0' } })
  })
  it('is absent unless given', () => {
    const c = parseCLI(['build'])
    expect(c.kind === 'build' && c.flags.push).toBeUndefined()
  })
})

describe('publish references', () => {
  it('refuses an invalid reference or one with a digest before touching anything', async () => {
    const { publishOciArchive } = await import('../../src/registry/push-image.js')
    await expect(publishOciArchive('/nonexistent.tar', 'Team/App::1')).rejects.toMatchObject({ code: 'INVALID_REFERENCE' })
    await expect(publishOciArchive('/nonexistent.tar', `127.0.0.1:5000/app@sha256:${'a'.repeat(64)}`)).rejects.toMatchObject({ code: 'INVALID_REFERENCE', message: expect.stringContaining('publish to a tag') })
  })
})
