// The labels a build's facts add: only what is true and the same on every
// machine that builds the commit; the user's labels win.
import { describe, expect, it } from 'vitest'
import { imageLabels } from '../../src/plan/image-labels.js'
import { goService } from '../../src/builder/go-service.js'
import { plan } from '../../src/plan/plan.js'

const commit = 'a'.repeat(40)
const clean = { uri: 'https://example.com/acme/hello.git', commit, dirty: false }

describe('image labels from build facts', () => {
  it('a clean checkout with an origin: source, revision and created (the image time)', () => {
    expect(imageLabels({ 'org.opencontainers.image.title': 'hello' }, { source: clean, epoch: 1700000000 })).toEqual({
      'org.opencontainers.image.created': '2023-11-14T22:13:20Z',
      'org.opencontainers.image.revision': commit,
      'org.opencontainers.image.source': 'https://example.com/acme/hello.git',
      'org.opencontainers.image.title': 'hello',
    })
  })
  it('leaves out a local path, a modified tree and time 0; the plan labels win', () => {
    expect(imageLabels({}, { source: { ...clean, uri: '/home/me/hello' }, epoch: 0 })).toEqual({ 'org.opencontainers.image.revision': commit })
    expect(imageLabels({}, { source: { ...clean, dirty: true }, epoch: 0 })).toEqual({})
    expect(imageLabels({ 'org.opencontainers.image.source': 'mine' }, { source: clean, epoch: 0 })['org.opencontainers.image.source']).toBe('mine')
  })
  it("the plan takes the version from -X main.version, unless a label says", () => {
    const s = goService({ name: 'hello', source: '/src' }).ldflags({ X: { 'main.version': '1.4.0' } })
    expect(plan(s.toSpec()).runtime.config.labels['org.opencontainers.image.version']).toBe('1.4.0')
    const own = s.labels({ 'org.opencontainers.image.version': '2' }).toSpec()
    expect(plan(own).runtime.config.labels['org.opencontainers.image.version']).toBe('2')
  })
})
