// Where --push sends an image: the default repository's sources in order,
// tags (repeatable, 'git'), and the errors a user gets for each mistake.
import { describe, expect, it } from 'vitest'
import { defaultRepo, digestRef, pushRefs } from '../../src/plan/push-refs.js'
import { isGostaticError } from '../../src/errors.js'

const cfg = { repo: 'ghcr.io/org', file: 'gostatic.config.ts' }
const errorOf = (f: () => unknown) => {
  try {
    f()
  } catch (e) {
    if (isGostaticError(e)) return `${e.code}: ${e.message}${e.hint ? ` (hint: ${e.hint})` : ''}`
    throw e
  }
  throw new Error('no error')
}

describe('default repository', () => {
  it('takes GOSTATIC_REPO, then the config, then KO_DOCKER_REPO; a trailing slash is dropped', () => {
    const env = { GOSTATIC_REPO: '127.0.0.1:5000/team/', KO_DOCKER_REPO: 'ko.example/x' }
    expect(defaultRepo(env, cfg)).toEqual({ repo: '127.0.0.1:5000/team', from: 'GOSTATIC_REPO' })
    expect(defaultRepo({ KO_DOCKER_REPO: 'ko.example/x' }, cfg)).toEqual({ repo: 'ghcr.io/org', from: 'repo in gostatic.config.ts' })
    expect(defaultRepo({ KO_DOCKER_REPO: 'ko.example/x' }, undefined)).toEqual({ repo: 'ko.example/x', from: 'KO_DOCKER_REPO' })
    expect(defaultRepo({ GOSTATIC_REPO: ' ' }, undefined)).toBeUndefined()
  })
  it("refuses ko.local (ko's daemon target) and a repository with a tag", () => {
    expect(errorOf(() => defaultRepo({ KO_DOCKER_REPO: 'ko.local' }, undefined))).toMatch(/^INVALID_REFERENCE: KO_DOCKER_REPO=ko.local .*--load/)
    expect(errorOf(() => defaultRepo({ GOSTATIC_REPO: 'ghcr.io/org:v1' }, undefined))).toMatch(/GOSTATIC_REPO: 'ghcr.io\/org:v1' is not a repository/)
    expect(errorOf(() => defaultRepo({ GOSTATIC_REPO: 'Bad Repo' }, undefined))).toMatch(/is not a repository/)
  })
})

describe('push references', () => {
  const repo = { repo: '127.0.0.1:5000/team', from: 'GOSTATIC_REPO' }
  const base = { push: true as const, tags: [] as string[], repo, service: 'api', gitShort: '0123456789ab' }
  it('--push alone: <repo>/<service>:latest; --tag repeatable, git is the short commit', () => {
    expect(pushRefs(base)).toEqual(['127.0.0.1:5000/team/api:latest'])
    expect(pushRefs({ ...base, tags: ['v1', 'git', 'v1'] })).toEqual(['127.0.0.1:5000/team/api:v1', '127.0.0.1:5000/team/api:0123456789ab'])
  })
  it('--push <ref>: as given ({name} filled), tags added only when it has none', () => {
    expect(pushRefs({ ...base, push: 'reg.io:5000/x/{name}:1.0' })).toEqual(['reg.io:5000/x/api:1.0'])
    expect(pushRefs({ ...base, push: 'reg.io:5000/x/{name}', tags: ['a', 'b'] })).toEqual(['reg.io:5000/x/api:a', 'reg.io:5000/x/api:b'])
    expect(errorOf(() => pushRefs({ ...base, push: 'reg.io/x:1', tags: ['b'] }))).toMatch(/has a tag and --tag gives b; give the tag once/)
  })
  it('names what is missing: a repository, a git checkout, --push itself', () => {
    expect(errorOf(() => pushRefs({ ...base, repo: undefined }))).toMatch(/--push without a reference needs a default repository .*GOSTATIC_REPO/)
    expect(errorOf(() => pushRefs({ ...base, tags: ['git'], gitShort: null }))).toMatch(/--tag git: the source of service 'api' is not in a git checkout/)
    expect(errorOf(() => pushRefs({ ...base, push: undefined, tags: ['v1'] }))).toMatch(/--tag v1 names pushed tags; give --push too/)
    expect(errorOf(() => pushRefs({ ...base, tags: ['-bad'] }))).toMatch(/--tag '-bad' is not a tag/)
    expect(errorOf(() => pushRefs({ ...base, push: 'reg.io/x@sha256:' + 'a'.repeat(64) }))).toMatch(/has a digest/)
  })
  it('an --image-refs line is the repository and digest, without the tag', () => {
    const d = 'sha256:' + 'b'.repeat(64)
    expect(digestRef(`127.0.0.1:5000/team/api:v1@${d}`)).toBe(`127.0.0.1:5000/team/api@${d}`)
  })
})
