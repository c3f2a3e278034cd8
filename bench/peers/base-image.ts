// The one runtime base both tools build on: gostatic's own `static` base
// files (CA bundle, passwd/group with nonroot, nsswitch.conf, /tmp) as a
// one-layer image, pushed to the local registry. gostatic gets it as an image
// base (`--runtime <ref>`), ko as its defaultBaseImage, so neither side
// carries files the other lacks.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { goService } from '../../src/index.js'
import { buildLayer } from '../../src/oci/layer.js'
import { writeOciArchive } from '../../src/oci/oci-writer.js'
import { materialize } from '../../src/engines/runtime-files.js'
import { publishOciArchive } from '../../src/registry/push-image.js'

export async function pushBase(registry: string, goroot: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gostatic-peers-base-'))
  try {
    const plan = goService({ name: 'base', source: dir }).runtime('static').plan()
    const files = plan.runtime.files.filter((f) => f.kind !== 'host-file')
    const entries = await materialize(files, { sourceDir: dir, links: 'confine', zoneinfoZip: async () => join(goroot, 'lib/time/zoneinfo.zip') })
    const layer = await buildLayer(entries)
    const archive = join(dir, 'base.tar')
    await writeOciArchive(archive, [
      { platform: { os: 'linux', architecture: 'amd64' }, layers: [layer], config: { Env: ['PATH=/'], WorkingDir: '/' } },
    ])
    // A repository of its own per run: other engineers push to the same registry.
    const ref = `${registry}/gostatic-bench/base-${process.pid}-${Date.now().toString(36)}:static`
    const pushed = await publishOciArchive(archive, ref, { cacheDir: null })
    return `${ref.replace(/:static$/, '')}@${pushed.digest}`
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
