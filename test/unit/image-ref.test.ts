import { describe, expect, it } from 'vitest'
import { parseImageRef } from '../../src/spec/image-ref.js'

const ok = (s: string) => {
  const r = parseImageRef(s)
  if (!r.ok) throw new Error(`${s}: ${r.reason}`)
  return r.ref
}
const bad = (s: string) => {
  const r = parseImageRef(s)
  if (r.ok) throw new Error(`${s} should not parse`)
  return r.reason
}

describe('image references follow the distribution grammar', () => {
  it.each([
    ['alpine', 'docker.io', 'library/alpine', 'latest', undefined],
    ['alpine:3.20', 'docker.io', 'library/alpine', '3.20', undefined],
    ['library/alpine:3.20', 'docker.io', 'library/alpine', '3.20', undefined],
    ['docker.io/alpine', 'docker.io', 'library/alpine', 'latest', undefined],
    ['index.docker.io/library/alpine', 'docker.io', 'library/alpine', 'latest', undefined],
    ['team/app:1.0', 'docker.io', 'team/app', '1.0', undefined],
    ['127.0.0.1:5000/team/hello:1.0', '127.0.0.1:5000', 'team/hello', '1.0', undefined],
    ['localhost/app', 'localhost', 'app', 'latest', undefined],
    ['localhost:5000/a/b/c:v1', 'localhost:5000', 'a/b/c', 'v1', undefined],
    ['gcr.io/distroless/static-debian12:nonroot', 'gcr.io', 'distroless/static-debian12', 'nonroot', undefined],
    ['[::1]:5000/app:x', '[::1]:5000', 'app', 'x', undefined],
    ['my_app.v2__x-y', 'docker.io', 'library/my_app.v2__x-y', 'latest', undefined],
  ])('%s', (input, registry, repository, tag, digest) => {
    expect(ok(input)).toMatchObject({ registry, repository, tag, digest })
  })
  it('takes a tag and a digest together', () => {
    const d = 'sha256:' + 'a'.repeat(64)
    expect(ok(`alpine:3.20@${d}`)).toMatchObject({ tag: '3.20', digest: d, canonical: `docker.io/library/alpine:3.20@${d}` })
    expect(ok(`alpine@${d}`)).toMatchObject({ tag: undefined, digest: d, canonical: `docker.io/library/alpine@${d}` })
  })
  it('refuses what the grammar refuses', () => {
    expect(bad('')).toContain('empty')
    expect(bad('Alpine')).toContain('lowercase')
    expect(bad('alpine::3')).toContain('not a valid image reference')
    expect(bad('alpine:-x')).toContain('not a valid image reference')
    expect(bad('-alpine')).toContain('not a valid image reference')
    expect(bad('alpine@sha256:abc')).toContain('not a valid image reference')
    expect(bad('alpine@sha256:' + 'A'.repeat(64))).toContain('64 lowercase hex')
    expect(bad('a/' + 'b'.repeat(300))).toContain('must not exceed 255')
    expect(bad('a:' + 't'.repeat(129))).toContain('not a valid image reference')
  })
})

describe('image references: normalization limits of distribution/reference', () => {
  it('counts the 255-character limit on the normalized name, registry included', () => {
    expect(parseImageRef('a'.repeat(240)).ok).toBe(false) // docker.io/library/ + 240 > 255
    expect(parseImageRef('a'.repeat(237)).ok).toBe(true) // exactly 255 once normalized
    expect(parseImageRef(`127.0.0.1:5000/${'b'.repeat(240)}`).ok).toBe(true) // 255
    expect(parseImageRef(`127.0.0.1:5000/${'b'.repeat(241)}`).ok).toBe(false)
  })
  it('refuses a bare 64-hex image ID as a repository name', () => {
    const r = parseImageRef('f'.repeat(64))
    expect(r.ok ? '' : r.reason).toContain('image ID')
  })
  it('takes sha384 and sha512 digests, and refuses unknown algorithms', () => {
    expect(parseImageRef(`alpine@sha384:${'a'.repeat(96)}`).ok).toBe(true)
    expect(parseImageRef(`alpine@sha512:${'a'.repeat(128)}`).ok).toBe(true)
    const md5 = parseImageRef(`alpine@md5:${'a'.repeat(32)}`)
    expect(md5.ok ? '' : md5.reason).toContain('unsupported algorithm md5')
    const short = parseImageRef(`alpine@sha384:${'a'.repeat(64)}`)
    expect(short.ok ? '' : short.reason).toContain('sha384 takes 96')
  })
})
