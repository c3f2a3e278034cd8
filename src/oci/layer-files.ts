// The regular files an image's layers leave at (or under) some paths, with
// their SHA-256 and SHA-1, read from the layers in memory the way a runtime
// stacks them (later layers win, whiteouts remove). For SBOMs: what the
// image really holds, whichever engine wrote the layers.
import { createHash } from 'node:crypto'
import { posix } from 'node:path'
import { createGunzip } from 'node:zlib'
import { openLayerGz, type BuiltLayer } from './layer.js'
import { decoded, INFLATE, tarEntries } from './oci-image-files.js'

export interface LayerFile {
  readonly path: string
  readonly sha256: string
  readonly sha1: string
  readonly size: number
}

/** Files at or below each of `paths` (absolute, e.g. '/etc/passwd', '/usr/share/zoneinfo'), sorted by path. */
export async function filesUnder(layers: readonly BuiltLayer[], paths: readonly string[]): Promise<LayerFile[]> {
  const wanted = paths.map((p) => p.replace(/^\/+|\/+$/g, ''))
  const inside = (name: string) => wanted.some((w) => name === w || name.startsWith(`${w}/`))
  const files = new Map<string, LayerFile>()
  for (const layer of layers) {
    const tar = decoded(openLayerGz(layer), createGunzip(INFLATE))
    for await (const { name, header, body } of tarEntries(tar, `layer ${layer.digest}`)) {
      const base = posix.basename(name)
      const dir = posix.dirname(name) === '.' ? '' : posix.dirname(name)
      if (base === '.wh..wh..opq' || base.startsWith('.wh.')) {
        const gone = base === '.wh..wh..opq' ? `${dir}/` : dir ? `${dir}/${base.slice(4)}` : base.slice(4)
        for (const k of [...files.keys()])
          if (k === gone || k.startsWith(gone.endsWith('/') ? gone : `${gone}/`)) files.delete(k)
      }
      if (header.type !== 'file' || !inside(name)) {
        body.resume()
        if (header.type !== 'directory') files.delete(name)
        continue
      }
      const sha256 = createHash('sha256')
      const sha1 = createHash('sha1')
      let size = 0
      for await (const c of body) {
        sha256.update(c as Buffer)
        sha1.update(c as Buffer)
        size += (c as Buffer).length
      }
      files.set(name, { path: `/${name}`, sha256: sha256.digest('hex'), sha1: sha1.digest('hex'), size })
    }
  }
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}
