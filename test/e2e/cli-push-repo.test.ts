// `gostatic build --push` with the default repository, as a ko user moving
// over runs it: GOSTATIC_REPO names the repository, --tag is repeatable and
// 'git' is the short commit, --image-refs lists what was pushed by digest,
// and every tag resolves to that digest when asked with skopeo.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { missing } from '../support/tools.js'
import { runCli } from '../support/cli.js'
import { REGISTRY, execOk, missingRegistry } from '../support/runtime.js'
import { uniqueRepo } from './registry-fixtures.js'
import { committedHello } from '../support/git-hello.js'

const skip = missing('go', 'git', 'skopeo') || (await missingRegistry())

describe.skipIf(skip)('gostatic build --push with a default repository', () => {
  let tmp: string
  let src: string
  let commit: string
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gostatic-push-repo-'))
    src = join(tmp, 'hello')
    ;({ commit } = await committedHello(src))
  })
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })

  it('pushes <repo>/<service> under every --tag and writes the digest references to --image-refs', async () => {
    const team = `${REGISTRY}/${uniqueRepo('team')}`
    const refs = join(tmp, 'out', 'refs.txt')
    const env = { ...process.env, GOSTATIC_REPO: team, KO_DOCKER_REPO: 'ko.local' }
    const r = await runCli(['build', src, '--out', join(tmp, 'hello.tar'), '--push', '--tag', 'v1', '--tag', 'git', '--image-refs', refs], { env })
    expect(r.code, r.stderr).toBe(0)
    const lines = (await readFile(refs, 'utf8')).split('\n')
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^${team}/hello@sha256:[0-9a-f]{64}$`)), ''])
    const digest = lines[0]!.split('@')[1]
    for (const tag of ['v1', commit.slice(0, 12)]) {
      expect(r.stdout).toContain(`hello: pushed ${team}/hello:${tag}@${digest}`)
      // The manifest each tag names, hashed here: the digest the file lists.
      const raw = await execOk('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${team}/hello:${tag}`])
      expect(`sha256:${createHash('sha256').update(raw).digest('hex')}`).toBe(digest)
    }
  })

  it('--push alone with no repository says where to set one; --image-refs is not written', async () => {
    const refs = join(tmp, 'none.txt')
    const env = { ...process.env, GOSTATIC_REPO: '', KO_DOCKER_REPO: '' }
    const r = await runCli(['build', src, '--out', join(tmp, 'x.tar'), '--push', '--image-refs', refs], { env })
    expect(r.code).toBe(2) // a usage error: found before anything is built
    expect(r.stderr).toContain('--push without a reference needs a default repository')
    expect(r.stderr).toContain('GOSTATIC_REPO')
    expect(existsSync(refs)).toBe(false)
  })
})
