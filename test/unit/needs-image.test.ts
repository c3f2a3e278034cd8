// The image a build checks needs against, and what the plan says of the
// check: pure, so the user, env and files a container will see are pinned
// here, as is the text of the check-needs step in explain().
import { describe, expect, it } from 'vitest'
import { goService } from '../../src/index.js'
import { fileSet } from '../../src/plan/image-files.js'
import { checkNeeds } from '../../src/plan/needs-check.js'
import { needsImage } from '../../src/plan/needs-image.js'
import { needsUnread } from '../../src/plan/needs-verdicts.js'
import { deriveNeeds } from '../../src/plan/runtime-needs.js'

const svc = () => goService({ name: 'api', source: 'examples/hello' })
const base = {
  files: fileSet(
    [['etc/passwd', { type: 'file', mode: 0o644, uid: 0, gid: 0, size: 60 }]],
    [['/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n']],
  ),
  user: '1000',
  env: ['PATH=/bin', 'TMPDIR=/scratch'],
}

describe('the image needs are checked against', () => {
  it("is the plan's own files, user and env on scratch and static", () => {
    const p = svc().runtime('scratch').plan()
    const img = needsImage(p.runtime, null)
    const seen = { base: img.base, user: img.user, env: img.env }
    expect(seen).toEqual({ base: 'scratch', user: '65532:65532', env: p.runtime.config.env })
    expect([...img.files.entries.keys()]).toContain('usr/local/bin/api')
    expect(img.files.texts.get('/etc/passwd')).toContain('nonroot:x:65532:65532')
  })

  it("is the base's files under ours, the base's user unless the plan sets one, and env merged by key", () => {
    const p = svc().runtime('127.0.0.1:5000/team/base:1').runtimeEnv({ TMPDIR: '/data' }).plan()
    const img = needsImage(p.runtime, base)
    const seen = { base: img.base, user: img.user, env: img.env }
    expect(seen).toEqual({ base: 'image', user: '1000', env: ['PATH=/bin', 'TMPDIR=/data'] })
    expect(img.files.texts.get('/etc/passwd')).toBe(base.files.texts.get('/etc/passwd'))
    expect(needsImage(svc().runtime('127.0.0.1:5000/team/base:1').user('0:0').plan().runtime, base).user).toBe('0:0')
    expect(needsImage(p.runtime, { ...base, user: '' }).user).toBeNull()
  })

  it("checks the base's user and TMPDIR: uid 1000 has a passwd entry, /data is not in the image", () => {
    const p = svc().runtime('127.0.0.1:5000/team/base:1').runtimeEnv({ TMPDIR: '/data' }).plan()
    const evidence = { functions: ['os/user.Current', 'os.CreateTemp'], modules: [], settings: {} }
    const { verdicts } = checkNeeds(deriveNeeds(evidence), needsImage(p.runtime, base), p.needs)
    expect(verdicts.map((v) => [v.id, v.status, v.detail])).toEqual([
      ['users', 'met', '/etc/passwd has app (uid 1000)'],
      ['temp-dir', 'unmet', '/data is not a directory in the image'],
    ])
  })
})

describe('needs a build cannot read', () => {
  it('are a warning that says why, and an error under needs({ strict: true })', () => {
    expect(needsUnread('not a Go binary', { strict: false }, 'api (linux/amd64)')).toEqual({
      error: null,
      warning: 'api (linux/amd64): runtime needs not checked: not a Go binary',
    })
    const { error } = needsUnread('not a Go binary', { strict: true }, 'api (linux/amd64)')
    expect({ code: error?.code, message: error?.message }).toEqual({
      code: 'NEEDS_UNMET',
      message: 'api (linux/amd64): runtime needs not checked: not a Go binary (needs({ strict: true }))',
    })
  })
})

describe('explain(): the check-needs step', () => {
  const step = (s: ReturnType<typeof svc>) =>
    s.plan().explain().split('\n').find((l) => l.includes("read the binary's runtime needs"))
  it('says what is checked against what, and what happens to an unmet need, per base', () => {
    expect(step(svc())).toBe(
      "  5. linux/amd64: read the binary's runtime needs from its function table and build info (before UPX hides them), " +
        'check them against the files, user and env of the static image; files that meet an unmet need are added (all zones ' +
        'when time.LoadLocation is linked and no zones are listed, /etc/services when service names are looked up); ' +
        'a cgo stub (github.com/mattn/go-sqlite3) fails the build',
    )
    expect(step(svc().runtime('scratch').needs({ strict: true, ignore: ['service-names'] }))).toContain(
      'of the scratch image; an unmet need is an error (needs({ strict: true })); a cgo stub (github.com/mattn/go-sqlite3) ' +
        'fails the build; ignored: service-names',
    )
    expect(step(svc().runtime('alpine:3.20'))).toContain(
      "of alpine:3.20 (all its layers) with gostatic's files on top; an unmet need is a warning",
    )
  })
})
