// The one image `docker load` reads, streamed as a docker-archive tar:
// manifest.json, then the config and the layers it names. Nothing else of
// the OCI layout rides along (other platforms, the index, attachments): the
// daemon would read past it. Same layout decisions as the OCI archive
// (planLayout), so the image ID is the one `exportTarball` would load.
import { createHash } from 'node:crypto'
import { sha256 } from '../util/digest.js'
import { blobPath, changedLayer, planLayout, type OciImageInput, type WriteOciOptions } from './oci-writer.js'
import { TarWriter, type TarSink } from './tar-writer.js'

export type DockerArchiveOptions = Pick<WriteOciOptions, 'refName' | 'sourceDateEpoch' | 'loadPlatform'>

/** Writes the archive to `sink`; resolves to the loaded image's config digest (docker's image ID). */
export async function writeDockerArchive(
  sink: TarSink,
  images: readonly OciImageInput[],
  opts: DockerArchiveOptions = {},
): Promise<string> {
  const epoch = Math.trunc(opts.sourceDateEpoch ?? 0)
  const layout = planLayout('(docker load)', images, opts.refName, epoch, opts.loadPlatform, [])
  const [entry] = JSON.parse(layout.dockerManifest) as { Config: string; Layers: string[] }[]
  const byPath = new Map(layout.blobs.map((b) => [blobPath(b.digest), b]))
  const tar = new TarWriter(sink)
  const put = (name: string, body: Buffer) => tar.entry({ name, type: 'file', mode: 0o644, mtime: epoch }, body)
  await put('manifest.json', Buffer.from(layout.dockerManifest))
  for (const path of new Set([entry!.Config, ...entry!.Layers])) {
    const b = byPath.get(path)!
    // As the OCI writer does: a layer whose bytes (or file) changed after it was built or pulled must not load
    // under its old digest.
    if (b.layer?.file !== undefined) {
      const h = createHash('sha256')
      const header = { name: path, type: 'file', mode: 0o644, mtime: epoch, size: b.size } as const
      await tar.fileEntry(header, b.layer.file, (c) => h.update(c))
      if (`sha256:${h.digest('hex')}` !== b.digest) throw changedLayer(b.digest)
      continue
    }
    const bytes = b.bytes!
    if (b.layer && (sha256(bytes) !== b.digest || bytes.length !== b.layer.size)) throw changedLayer(b.digest)
    await put(path, bytes)
  }
  await tar.end()
  return layout.manifests.find((m) => blobPath(m.configDigest) === entry!.Config)!.configDigest
}
