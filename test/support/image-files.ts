// Lists the files an image holds after its layers are applied (last writer
// wins, whiteouts honoured): path → type, mode, owner and content hash. Used
// to compare what two engines produce for the same plan.
import { createHash } from 'node:crypto'
import { createGunzip } from 'node:zlib'
import { readOciArchive, openBlob } from '../../src/oci/oci-reader.js'
import { tarEntries } from '../../src/oci/oci-image-files.js'

export interface ImageFile {
  type: string
  mode: string
  uid: number
  gid: number
  sha256?: string
  link?: string
}

export async function imageFiles(archivePath: string, architecture = 'amd64'): Promise<Map<string, ImageFile>> {
  const archive = await readOciArchive(archivePath)
  const image = archive.images.find((i) => i.platform.architecture === architecture)
  if (!image) throw new Error(`${archivePath} has no ${architecture} image`)
  const files = new Map<string, ImageFile>()
  for (const layer of image.layers) {
    const raw = openBlob(archive, layer.digest)
    const src = layer.mediaType.includes('gzip') || layer.mediaType.endsWith('tar.gzip') ? raw.pipe(createGunzip()) : raw
    for await (const e of tarEntries(src, `layer ${layer.digest}`)) {
      const name = '/' + e.name
      const base = name.split('/').pop()!
      if (base.startsWith('.wh.')) {
        const target = name.slice(0, name.length - base.length) + base.slice(4)
        for (const k of [...files.keys()]) if (k === target || k.startsWith(target + '/')) files.delete(k)
        e.body.resume()
        continue
      }
      const h = createHash('sha256')
      for await (const chunk of e.body) h.update(chunk as Buffer)
      const f: ImageFile = { type: e.header.type ?? 'file', mode: ((e.header.mode ?? 0) & 0o7777).toString(8), uid: e.header.uid ?? 0, gid: e.header.gid ?? 0 }
      if (e.header.type === 'file') f.sha256 = h.digest('hex')
      if (e.header.linkname) f.link = e.header.linkname
      if (name !== '/') files.set(name, f)
    }
  }
  return files
}
