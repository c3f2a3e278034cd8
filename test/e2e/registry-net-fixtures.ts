// Images for the registry network tests, written with our own OCI writer (no
// Go build needed): each has one base layer all of them share and one of
// its own, so a set of them is what a workspace push sends.
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { buildLayer } from '../../src/oci/layer.js'
import { writeOciArchive } from '../../src/oci/oci-writer.js'

/** Bytes that look random (so gzip cannot shrink them away) but are the same on every run. */
function noise(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size)
  for (let off = 0, i = 0; off < size; i++) off += createHash('sha256').update(`${seed}/${i}`).digest().copy(out, off)
  return out
}

export interface ServiceArchive {
  readonly path: string
  /** The digest of the base layer every archive shares. */
  readonly baseLayer: string
}

/** `count` archives, service-0 … service-<count-1>, in `dir`. */
export async function writeServiceArchives(dir: string, count: number): Promise<ServiceArchive[]> {
  const base = await buildLayer([{ path: '/base.bin', type: 'file', mode: 0o644, content: noise('base', 256 << 10) }])
  const out: ServiceArchive[] = []
  for (let i = 0; i < count; i++) {
    const own = await buildLayer([{ path: `/app/service-${i}`, type: 'file', mode: 0o755, content: noise(`svc${i}`, 96 << 10) }])
    const path = join(dir, `service-${i}.tar`)
    const config = { Entrypoint: [`/app/service-${i}`], Labels: { service: `service-${i}` } }
    const image = { platform: { os: 'linux', architecture: 'amd64' }, layers: [base, own], config, history: ['base', 'app'] }
    await writeOciArchive(path, [image], { refName: `service-${i}` })
    out.push({ path, baseLayer: base.digest })
  }
  return out
}
