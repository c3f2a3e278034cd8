// inspect's argument is a file or a pushed image, never a guess between them.
import { describe, expect, it } from 'vitest'
import { inspectTarget } from '../../src/inspect/target-kind.js'

const none = () => false
const all = () => true

describe('inspectTarget', () => {
  it.each([
    ['registry://127.0.0.1:5000/team/hello:1', '127.0.0.1:5000/team/hello:1'],
    ['registry://127.0.0.1:5000/team/hello', '127.0.0.1:5000/team/hello'],
    ['registry://alpine:3.20', 'alpine:3.20'],
    ['127.0.0.1:5000/team/hello:1', '127.0.0.1:5000/team/hello:1'],
    ['localhost:5000/hello@sha256:' + 'a'.repeat(64), 'localhost:5000/hello@sha256:' + 'a'.repeat(64)],
    ['ghcr.io/org/app:v1.2', 'ghcr.io/org/app:v1.2'],
  ])('reads %s as the image %s', (arg, ref) => {
    expect(inspectTarget(arg, none)).toEqual({ kind: 'registry', ref })
  })

  it.each([
    'dist/hello.tar', // no registry host
    'out.d/hello.tar', // a host-like folder, but no tag
    'hello.tar',
    'alpine:3.20', // no registry host: docker hub images need registry://
    './127.0.0.1:5000/team/hello:1',
    '/abs/127.0.0.1:5000/x:1',
    '../up/ghcr.io/org/app:1',
    '~/ghcr.io/org/app:1',
    'ghcr.io/Org/App:1', // not a valid reference: a path
  ])('reads %s as a file', (arg) => {
    expect(inspectTarget(arg, none)).toEqual({ kind: 'file', path: arg })
    // A file that exists changes nothing for what could only be a path.
    expect(inspectTarget(arg, all)).toEqual({ kind: 'file', path: arg })
  })

  it('refuses a name that is both an existing file and a reference, saying how to write each', () => {
    expect(() => inspectTarget('127.0.0.1:5000/team/hello:1', all)).toThrow(
      expect.objectContaining({
        code: 'INVALID_REFERENCE',
        message: "'127.0.0.1:5000/team/hello:1' is both a file here and an image reference",
        hint: 'write ./127.0.0.1:5000/team/hello:1 for the file, or registry://127.0.0.1:5000/team/hello:1 for the image',
      }),
    )
    // registry:// is a reference whatever is on disk.
    expect(inspectTarget('registry://127.0.0.1:5000/team/hello:1', all).kind).toBe('registry')
  })

  it("points skopeo's docker:// at registry://", () => {
    expect(() => inspectTarget('docker://127.0.0.1:5000/team/hello:1', none)).toThrow(
      expect.objectContaining({
        code: 'INVALID_REFERENCE',
        message: 'docker://127.0.0.1:5000/team/hello:1: inspect reads no docker:// references',
        hint: 'write registry://127.0.0.1:5000/team/hello:1 for a pushed image, or a path for an archive',
      }),
    )
  })

  it('names the problem of a registry:// argument that is no reference', () => {
    expect(() => inspectTarget('registry://127.0.0.1:5000/Team/hello:1', none)).toThrow(
      expect.objectContaining({ code: 'INVALID_REFERENCE', message: 'registry://127.0.0.1:5000/Team/hello:1: repository names must be lowercase' }),
    )
    expect(() => inspectTarget('registry://', none)).toThrow(expect.objectContaining({ message: 'registry://: the reference is empty' }))
  })
})
