// The bytes a registry would store for a set of image archives: every
// distinct layer blob once (a base layer shared by all images counts once),
// as stored (compressed). Reads OCI layouts and docker-save tarballs (ko's).
import { readOciArchive } from '../../src/oci/oci-reader.js'

export async function distinctLayerBytes(archives: readonly string[]): Promise<number> {
  const sizes = new Map<string, number>()
  for (const path of archives)
    for (const image of (await readOciArchive(path)).images) for (const l of image.layers) sizes.set(l.digest, l.size)
  return [...sizes.values()].reduce((a, b) => a + b, 0)
}
