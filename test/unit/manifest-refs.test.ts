// Finding gostatic:// references with the YAML parser and splicing their
// replacements into the original text: everything else stays as written.
import { describe, expect, it } from 'vitest'
import { findRefs, joinManifests, replaceRefs } from '../../src/cli/resolve/manifest-refs.js'

const text = `# head
a: gostatic://./cmd/a   # plain
b: "gostatic://./cmd/b"
c: ['gostatic://x.io/m/cmd/c', other]
d: |
  gostatic://./in-a-block
e: gostatic://has space
---
f: gostatic://./cmd/a
`

describe('manifest references', () => {
  it('finds whole one-line strings with their line, in every document', () => {
    const refs = findRefs({ file: 'k.yaml', text })
    expect(refs.map((r) => [r.target, r.line])).toEqual([['./cmd/a', 2], ['./cmd/b', 3], ['x.io/m/cmd/c', 4], ['./cmd/a', 9]])
  })
  it('replaces each in its own quoting and leaves every other byte', () => {
    const m = { file: 'k.yaml', text }
    const out = replaceRefs(m, findRefs(m), (r) => `reg/${r.target.split('/').pop()}@sha256:1`)
    expect(out).toBe(text.replace('gostatic://./cmd/a   #', 'reg/a@sha256:1   #').replace('"gostatic://./cmd/b"', '"reg/b@sha256:1"')
      .replace("'gostatic://x.io/m/cmd/c'", "'reg/c@sha256:1'").replace('f: gostatic://./cmd/a', 'f: reg/a@sha256:1'))
  })
  it('names the file and line of a syntax error', () => {
    expect(() => findRefs({ file: 'bad.yaml', text: 'a: 1\nb: [unclosed\n' })).toThrow(/^bad\.yaml:\d+: not valid YAML/)
  })
  it('joins files with --- unless a file starts with one', () => {
    expect(joinManifests(['a: 1', '---\nb: 2\n', 'c: 3\n'])).toBe('a: 1\n---\nb: 2\n---\nc: 3\n')
  })
})
