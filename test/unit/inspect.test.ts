// inspect() on inputs a user gets wrong and on images whose entrypoint is not
// a plain absolute ELF path. Images are written here with our own layer and
// archive writers around a hand-made ELF header, so no tool is needed.
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import * as tar from 'tar-stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildLayer, type LayerEntry } from '../../src/oci/layer.js'
import { writeOciArchive, type OciImageConfig } from '../../src/oci/oci-writer.js'
import { ErrorCode, GostaticError } from '../../src/errors.js'
import { inspect, type ImageReport, type PlatformReport } from '../../src/index.js'
import { renderReportText } from '../../src/inspect/report-text.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gostatic-inspect-unit-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The smallest file readElf accepts: an ELF64 x86_64 executable header and nothing else. */
function tinyElf(): Buffer {
  const b = Buffer.alloc(64)
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0)
  b.writeUInt16LE(2, 16) // ET_EXEC
  b.writeUInt16LE(62, 18) // EM_X86_64
  b.writeUInt16LE(64, 52) // e_ehsize
  return b
}

async function image(name: string, config: OciImageConfig, entries: LayerEntry[], platforms = [{ os: 'linux', architecture: 'amd64' }]): Promise<string> {
  const layer = await buildLayer(entries, { mtime: 0 })
  const path = join(dir, name)
  await writeOciArchive(path, platforms.map((platform) => ({ platform, layers: [layer], config })), { loadPlatform: platforms[0]! })
  return path
}

async function only(path: string): Promise<PlatformReport> {
  const r = await inspect(path)
  expect(r.kind).toBe('image')
  return (r as ImageReport).platforms[0]!
}

async function rejection(p: Promise<unknown>): Promise<GostaticError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(GostaticError)
  return e as GostaticError
}

describe('inspect input errors', () => {
  it('names a missing target with INPUT_NOT_FOUND', async () => {
    const e = await rejection(inspect(join(dir, 'nope.tar')))
    expect(e.code).toBe(ErrorCode.INPUT_NOT_FOUND)
    expect(e.message).toBe(`cannot inspect ${join(dir, 'nope.tar')}: no such file`)
  })

  it('says it expected an image archive or an ELF binary for a text file', async () => {
    const file = join(dir, 'notes.txt')
    await writeFile(file, 'just some text\n'.repeat(100))
    const e = await rejection(inspect(file))
    expect(e.code).toBe(ErrorCode.UNSUPPORTED)
    expect(e.message).toBe(`cannot inspect ${file}: it is neither a tar archive nor an ELF file; expected an OCI or docker image archive (.tar) or an ELF binary`)
    expect(e.hint).toMatch(/docker save/)
  })

  it('refuses a directory and an empty file the same way', async () => {
    await mkdir(join(dir, 'layout'), { recursive: true })
    await writeFile(join(dir, 'empty'), '')
    expect((await rejection(inspect(join(dir, 'layout')))).message).toMatch(/layout: it is a directory; expected an OCI/)
    expect((await rejection(inspect(join(dir, 'empty')))).message).toMatch(/empty: it is empty; expected an OCI/)
  })

  it('names the file when an ELF is truncated', async () => {
    const file = join(dir, 'truncated')
    await writeFile(file, tinyElf().subarray(0, 40))
    const e = await rejection(inspect(file))
    expect(e.code).toBe(ErrorCode.ELF_MALFORMED)
    expect(e.message).toMatch(new RegExp(`^${file}: ELF64 header .* runs past the end of the file \\(40 bytes\\)`))
  })

  it('the CLI prints the error with its code and hint and exits 1', async () => {
    const repo = fileURLToPath(new URL('../..', import.meta.url))
    const r = await promisify(execFile)('node', ['bin/gostatic.js', 'inspect', join(dir, 'nope.tar')], { cwd: repo }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`error [INPUT_NOT_FOUND]: cannot inspect ${join(dir, 'nope.tar')}: no such file\nhint: pass the path of an image archive (.tar) or of a binary, or registry://HOST/REPO:TAG for a pushed image\n`)
  })

  it('says a tar without index.json or manifest.json is not an image', async () => {
    const file = join(dir, 'plain.tar')
    const pack = tar.pack()
    pack.entry({ name: 'hello.txt' }, 'hi\n')
    pack.finalize()
    const chunks: Buffer[] = []
    for await (const c of pack) chunks.push(c as Buffer)
    await writeFile(file, Buffer.concat(chunks))
    const e = await rejection(inspect(file))
    expect(e.code).toBe(ErrorCode.OCI_MALFORMED)
    expect(e.message).toMatch(/plain\.tar: has neither index\.json \(OCI layout\) nor manifest\.json \(docker save\)/)
  })
})

describe('inspect finds the entrypoint as a runtime would', () => {
  it('looks a bare command up on the image PATH and follows symlinks', async () => {
    const path = await image('path.tar', { Entrypoint: ['app'], Env: ['PATH=/opt/bin:/usr/bin'] }, [
      { path: '/srv/app', type: 'file', mode: 0o755, content: tinyElf() },
      { path: '/usr/bin/app', type: 'symlink', mode: 0o777, linkTarget: '/srv/app' },
    ])
    const p = await only(path)
    expect(p.verdicts.entrypoint).toBe('ok')
    expect(p.binary).toMatchObject({ path: '/usr/bin/app', size: 64, elf: { machine: 'x86_64', static: true, upx: false }, go: null, goMissing: 'not a Go binary' })
    expect(p.verdicts).toMatchObject({ static: 'ok', cgo: 'unknown', trimpath: 'unknown', upx: 'not packed' })
  })

  it('falls back to Cmd and resolves a relative path from the working directory', async () => {
    const p = await only(await image('cmd.tar', { Cmd: ['./bin/app'], WorkingDir: '/srv' }, [{ path: '/srv/bin/app', type: 'file', mode: 0o755, content: tinyElf() }]))
    expect(p.binary?.path).toBe('/srv/bin/app')
  })

  it('reports a missing entrypoint binary in the verdicts instead of failing', async () => {
    const p = await only(await image('missing.tar', { Entrypoint: ['/usr/local/bin/hello'] }, [{ path: '/etc/passwd', type: 'file', mode: 0o644, content: Buffer.from('root:x:0:0::/:/bin/false\n') }]))
    expect(p.binary).toBeNull()
    expect(p.verdicts).toEqual({ entrypoint: 'missing: /usr/local/bin/hello is not a file in the image', static: 'unknown', cgo: 'unknown', trimpath: 'unknown', stripped: 'unknown', upx: 'unknown', recorded: {} })
    const text = renderReportText(await inspect(join(dir, 'missing.tar')))
    expect(text).toMatch(/entrypoint +missing: \/usr\/local\/bin\/hello is not a file in the image\n +static +unknown \(no entrypoint binary\)/)
    expect(text).toMatch(/user +\(unset: runs as root\)/)
  })

  it('names the PATH it searched for a bare command that is nowhere', async () => {
    const p = await only(await image('nopath.tar', { Entrypoint: ['ghost'] }, [{ path: '/tmp', type: 'dir', mode: 0o1777 }]))
    expect(p.verdicts.entrypoint).toBe("missing: ghost is not on the image's PATH (/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)")
  })

  it('says a script entrypoint is not an ELF binary', async () => {
    const p = await only(await image('script.tar', { Entrypoint: ['/entry.sh'] }, [{ path: '/entry.sh', type: 'file', mode: 0o755, content: Buffer.from('#!/bin/sh\nexec /app "$@"\n') }]))
    expect(p.verdicts.entrypoint).toBe('not an ELF binary: /entry.sh is a script (#!/bin/sh)')
  })

  it('reports only the platform asked for, and lists the others when it is absent', async () => {
    const platforms = [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }]
    const path = await image('two.tar', { Entrypoint: ['/app'] }, [{ path: '/app', type: 'file', mode: 0o755, content: tinyElf() }], platforms)
    expect(((await inspect(path)) as ImageReport).platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64/v8'])
    expect(((await inspect(path, { platform: 'linux/arm64' })) as ImageReport).platforms.map((p) => p.platform)).toEqual(['linux/arm64/v8'])
    const e = await rejection(inspect(path, { platform: 'linux/s390x' }))
    expect(e.code).toBe(ErrorCode.INPUT_NOT_FOUND)
    expect(e.message).toBe(`${path} has no image for linux/s390x; it has linux/amd64, linux/arm64/v8`)
  })
})
