// The archive the local engine writes must be accepted by the tools users
// feed it to. docker load is covered elsewhere; this is skopeo and umoci.
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildLayer, type LayerEntry } from '../../src/oci/layer.js'
import { GZIP_CHUNK } from '../../src/oci/parallel-gzip.js'
import { writeOciArchive, type OciImageInput, type WrittenOciArchive } from '../../src/oci/oci-writer.js'
import { readFileFromImage, readOciArchive } from '../../src/oci/oci-reader.js'
import { hasTool, missing } from '../support/tools.js'

const run = promisify(execFile)
const REF = 'gostatic.local/hello:latest'
const amd64 = { os: 'linux', architecture: 'amd64' }
const arm64 = { os: 'linux', architecture: 'arm64', variant: 'v8' }
// A real static binary when the host has one; the tools only need bytes.
const BUSYBOX = '/bin/busybox'
const useBusybox = hasTool('busybox')

let dir: string
let single: WrittenOciArchive
let multi: WrittenOciArchive
let appBytes: Buffer

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gostatic-oci-tools-'))
  appBytes = useBusybox ? await readFile(BUSYBOX) : Buffer.alloc(2_000_000, 'gostatic')
  const app: LayerEntry = useBusybox
    ? { path: '/app/hello', type: 'file', mode: 0o755, sourcePath: BUSYBOX }
    : { path: '/app/hello', type: 'file', mode: 0o755, content: appBytes }
  const base = await buildLayer(
    [
      { path: '/etc/passwd', type: 'file', mode: 0o644, content: Buffer.from('nonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n') },
      { path: '/tmp', type: 'dir', mode: 0o1777 },
    ],
    { mtime: 0 },
  )
  const appLayer = await buildLayer([app, { path: '/bin/hello', type: 'symlink', mode: 0o777, linkTarget: '/app/hello' }], { mtime: 0 })
  const image = (platform: OciImageInput['platform']): OciImageInput => ({
    platform,
    layers: [base, appLayer],
    config: { Entrypoint: ['/app/hello'], Cmd: ['echo', 'hi'], User: '65532:65532', Labels: { team: 'platform' } },
  })
  single = await writeOciArchive(join(dir, 'single.tar'), [image(amd64)], { refName: REF })
  multi = await writeOciArchive(join(dir, 'multi.tar'), [image(amd64), image(arm64)], { refName: REF })
})

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function json(cmd: string, ...args: string[]): Promise<any> {
  const { stdout } = await run(cmd, args, { maxBuffer: 64 << 20 })
  return JSON.parse(stdout)
}

describe.skipIf(missing('skopeo'))('skopeo', () => {
  it('inspects the archive with the right architecture, entrypoint and layers', async () => {
    const info = await json('skopeo', 'inspect', `oci-archive:${single.path}`)
    expect(info).toMatchObject({ Digest: single.indexDigest, Architecture: 'amd64', Os: 'linux', Labels: { team: 'platform' } })
    expect(info.Layers).toHaveLength(2)
    const config = await json('skopeo', 'inspect', '--config', `oci-archive:${single.path}`)
    expect(config.config).toMatchObject({ Entrypoint: ['/app/hello'], Cmd: ['echo', 'hi'], User: '65532:65532' })
  })

  it('copies the archive to a directory with every blob intact', async () => {
    const out = join(dir, 'copied')
    await run('skopeo', ['copy', '-q', `oci-archive:${single.path}`, `dir:${out}`])
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'))
    const files = await readdir(out)
    for (const l of manifest.layers) expect(files).toContain(l.digest.slice('sha256:'.length))
    expect(manifest.config.digest).toBe(single.manifests[0]!.configDigest)
  })

  it('shows an image index with both platforms for a two-platform archive', async () => {
    const raw = await json('skopeo', 'inspect', '--raw', `oci-archive:${multi.path}`)
    expect(raw.mediaType).toBe('application/vnd.oci.image.index.v1+json')
    expect(raw.manifests.map((m: { platform: unknown }) => m.platform)).toEqual([amd64, arm64])
    const arm = await json('skopeo', 'inspect', '--override-os', 'linux', '--override-arch', 'arm64', `oci-archive:${multi.path}`)
    expect(arm.Architecture).toBe('arm64')
  })

  it('reads an archive that skopeo wrote, and the binary inside it', async () => {
    const rewritten = join(dir, 'by-skopeo.tar')
    await run('skopeo', ['copy', '-q', `oci-archive:${multi.path}`, `oci-archive:${rewritten}:hello`, '--multi-arch', 'all'])
    const archive = await readOciArchive(rewritten)
    expect(archive.images.map((i) => i.platform)).toEqual([amd64, arm64])
    const bin = await readFileFromImage(archive, arm64, '/bin/hello')
    expect(bin && Buffer.from(bin).equals(appBytes)).toBe(true)
  })

  it('reads a docker-save style archive that skopeo wrote', async () => {
    const saved = join(dir, 'docker-save.tar')
    await run('skopeo', ['copy', '-q', `oci-archive:${single.path}`, `docker-archive:${saved}:${REF}`])
    // `docker save | gzip` is how these often travel
    await writeFile(`${saved}.gz`, gzipSync(await readFile(saved)))
    for (const file of [saved, `${saved}.gz`]) {
      const archive = await readOciArchive(file)
      expect(archive).toMatchObject({ format: 'docker', refName: `${REF}`, indexDigest: single.manifests[0]!.configDigest })
      expect(archive.images[0]!.config.config?.Entrypoint).toEqual(['/app/hello'])
      const bin = await readFileFromImage(archive, amd64, '/app/hello')
      expect(bin && Buffer.from(bin).equals(appBytes)).toBe(true)
    }
  })
})

describe.skipIf(missing('umoci', 'tar'))('umoci', () => {
  it('unpacks the image to a runtime bundle with modes and entrypoint intact', async () => {
    // The app layer spans several of the 1 MiB chunks layers are gzipped in, so Go's gzip reader checks their joins.
    expect(appBytes.length).toBeGreaterThan(GZIP_CHUNK)
    const layout = join(dir, 'layout')
    const bundle = join(dir, 'bundle')
    await mkdir(layout)
    await run('tar', ['-xf', single.path, '-C', layout])
    await run('umoci', ['unpack', '--rootless', '--image', `${layout}:${REF}`, bundle])
    const rootfs = join(bundle, 'rootfs')
    expect((await readFile(join(rootfs, 'app/hello'))).equals(appBytes)).toBe(true)
    expect((await stat(join(rootfs, 'tmp'))).mode & 0o7777).toBe(0o1777)
    const spec = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8'))
    expect(spec.process.args).toEqual(['/app/hello', 'echo', 'hi'])
    expect(spec.process.user).toMatchObject({ uid: 65532, gid: 65532 })
  })
})
