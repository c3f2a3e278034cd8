// An image runtime base's files as the Dagger engine resolves `from(ref)`:
// the engine exports the base container as an OCI archive and its layers are
// replayed with the same reader the local engine and inspect use, so the
// needs check sees what the runtime stage is built on (the engine's
// registry, mirrors and credentials), not a second pull from this host.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { ImageLayerCompression, type Client } from '@dagger.io/dagger'
import { ErrorCode, GostaticError } from '../../errors.js'
import type { TargetPlan } from '../../plan/build-plan.js'
import type { NeedsBase } from '../../plan/needs-image.js'
import { openImageTree, readOciArchive } from '../../oci/oci-reader.js'
import { daggerPlatform } from './runtime-container.js'

export async function engineBaseFiles(dag: Client, ref: string, t: TargetPlan, tmp: string): Promise<NeedsBase> {
  const path = join(tmp, `needs-base-${t.output.replace(/\//g, '-')}.tar`)
  // Gzip: Node 20 reads no zstd layers.
  const base = dag.container({ platform: daggerPlatform(t) }).from(ref)
  await base.export(path, { forcedCompression: ImageLayerCompression.Gzip })
  try {
    const archive = await readOciArchive(path)
    const platform = { os: t.os, architecture: t.architecture, ...(t.variant ? { variant: t.variant } : {}) }
    const files = await (await openImageTree(archive, platform)).files()
    const image = archive.images[0]
    if (image === undefined)
      throw new GostaticError(ErrorCode.OCI_MALFORMED, `the Dagger engine exported no image for ${ref}`)
    const cfg = image.config.config
    return { files, user: typeof cfg?.User === 'string' ? cfg.User : null, env: cfg?.Env ?? [] }
  } finally {
    await rm(path, { force: true })
  }
}
