// OCI labels and annotations as a user reads them back from the registry
// with skopeo: source, revision and created from the clean git checkout,
// version from --tag, title, --label and --annotation; the base's name and
// digest on every platform of an image base; and two clean builds of one
// commit give one digest.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { missing } from '../support/tools.js'
import { runCli } from '../support/cli.js'
import { REGISTRY, execOk, missingRegistry } from '../support/runtime.js'
import { pushWithSkopeo, uniqueRepo, writeBaseArchive } from './registry-fixtures.js'
import { committedHello } from '../support/git-hello.js'

const skip = missing('go', 'git', 'skopeo') || (await missingRegistry())
const ORIGIN = 'https://example.com/acme/hello.git'

interface Manifest { manifests?: { digest: string; platform: { architecture: string } }[]; annotations?: Record<string, string> }

describe.skipIf(skip)('image labels and annotations', () => {
  let tmp: string
  let src: string
  let commit: string
  let commitTime: string
  const skopeo = async (ref: string, ...a: string[]) => execOk('skopeo', ['inspect', '--tls-verify=false', ...a, `docker://${ref}`])
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gostatic-labels-'))
    src = join(tmp, 'hello')
    const repo = await committedHello(src, ORIGIN)
    const git = repo.git
    commit = repo.commit
    commitTime = new Date(Number((await git('log', '-1', '--format=%ct')).trim()) * 1000).toISOString().replace('.000Z', 'Z')
  })
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })

  it('fills the OCI labels from git and --tag, adds --label and --annotation; the same commit builds the same digest', async () => {
    const repo = `${REGISTRY}/${uniqueRepo('labels')}`
    const args = ['build', src, '--push', `${repo}/{name}`, '--tag', 'v1.2.3', '--label', 'team=core,infra', '--annotation', 'acme.dev/owner=ops', '--json']
    const first = await runCli([...args, '--out', join(tmp, 'a.tar')])
    expect(first.code, first.stderr).toBe(0)
    const second = await runCli([...args, '--out', join(tmp, 'b.tar')])
    expect(second.code, second.stderr).toBe(0)
    const digest = (r: typeof first) => (JSON.parse(r.stdout) as { archive: { digest: string } }[])[0]!.archive.digest
    expect(digest(second)).toBe(digest(first))

    const info = JSON.parse(await skopeo(`${repo}/hello:v1.2.3`)) as { Labels: Record<string, string> }
    expect(info.Labels).toEqual({
      'org.opencontainers.image.created': commitTime,
      'org.opencontainers.image.revision': commit,
      'org.opencontainers.image.source': ORIGIN,
      'org.opencontainers.image.title': 'hello',
      'org.opencontainers.image.version': 'v1.2.3',
      team: 'core,infra',
    })
    const index = JSON.parse(await skopeo(`${repo}/hello:v1.2.3`, '--raw')) as Manifest
    // One platform is pushed as a manifest, not an index.
    const one = index.manifests ? (JSON.parse(await skopeo(`${repo}/hello@${index.manifests[0]!.digest}`, '--raw')) as Manifest) : index
    expect(one.annotations?.['acme.dev/owner']).toBe('ops')
  })

  it('records the base name and digest on every platform of an image base', async () => {
    const baseRef = `${REGISTRY}/${uniqueRepo('base')}:1`
    await pushWithSkopeo(await writeBaseArchive(tmp, { arm64: true }), baseRef)
    const repo = `${REGISTRY}/${uniqueRepo('onbase')}`
    const r = await runCli(['build', src, '--runtime', baseRef, '--platform', 'linux/amd64,linux/arm64', '--out', join(tmp, 'c.tar'), '--push', `${repo}:1`])
    expect(r.code, r.stderr).toBe(0)
    const baseDigest = `sha256:${createHash('sha256').update(await skopeo(baseRef, '--raw')).digest('hex')}`
    const index = JSON.parse(await skopeo(`${repo}:1`, '--raw')) as Manifest
    expect(index.manifests!.map((m) => m.platform.architecture).sort()).toEqual(['amd64', 'arm64'])
    for (const m of index.manifests!) {
      const a = (JSON.parse(await skopeo(`${repo}@${m.digest}`, '--raw')) as Manifest).annotations ?? {}
      expect(a['org.opencontainers.image.base.name']).toBe(baseRef)
      expect(a['org.opencontainers.image.base.digest']).toMatch(/^sha256:[0-9a-f]{64}$/)
      expect(a['org.opencontainers.image.base.digest']).toBe(baseDigest)
    }
  })
})
