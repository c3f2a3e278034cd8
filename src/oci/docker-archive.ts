// The one image `docker load` reads, streamed as a docker-archive tar:
// manifest.json, then the config and the layers it names. Nothing else of
// the OCI layout rides along (other platforms, the index, attachments): the
// daemon would read past it. Same layout decisions as the OCI archive
// (planLayout), so the image ID is the one `exportTarball` would load.
import { GostaticError } from '../errors.js'
import { sha256 } from '../util/digest.js'
import { blobPath, planLayout, type OciImageInput, type WriteOciOptions } from './oci-writer.js'
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
    // As the OCI writer does: a layer whose bytes changed after it was built must not load under its old digest.
    if (b.layer && (sha256(b.bytes) !== b.digest || b.bytes.length !== b.layer.size))
      throw new GostaticError('OCI_MALFORMED', `layer ${b.digest}: its bytes no longer match its digest or size`)
    await put(path, b.bytes)
  }
  await tar.end()
  return layout.manifests.find((m) => blobPath(m.configDigest) === entry!.Config)!.configDigest
}
