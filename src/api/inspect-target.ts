// The public inspect(): a file path goes to the archive and binary reader
// (inspect/), a registry reference is read through the registry API
// (pull and auth as for base images) and reported the same way, with what
// the repository stores next to it. inspect/target-kind.ts tells them apart.
import { existsSync } from 'node:fs'
import { inspect as inspectFile, inspectArchive, selectsPlatform } from '../inspect/inspect.js'
import type { ImageReport, InspectOptions, InspectReport } from '../inspect/inspect-report.js'
import { inspectTarget, type InspectTarget } from '../inspect/target-kind.js'
import type { OciPlatform } from '../oci/oci-types.js'
import type { RegistryOptions } from '../registry/registry-options.js'
import { readRemoteImage } from '../registry/remote-image.js'

export interface InspectTargetOptions extends InspectOptions, RegistryOptions {}

type Handler<T extends InspectTarget> = (t: T, o: InspectTargetOptions) => Promise<InspectReport>
type Handlers = { [K in InspectTarget['kind']]: Handler<Extract<InspectTarget, { kind: K }>> }

const byKind: Handlers = {
  file: (t, o) => {
    const platform = o.platform === undefined ? {} : { platform: o.platform }
    return inspectFile(t.path, { ...platform, files: o.files === true })
  },
  registry: (t, o) => inspectPushed(t.ref, o),
}

/**
 * Reports on an image archive or binary (a path), or on a pushed image
 * (`registry://host/repo:tag`, or `host/repo:tag` written with its registry and tag).
 */
export async function inspect(target: string, opts: InspectTargetOptions = {}): Promise<InspectReport> {
  const t = inspectTarget(target, existsSync)
  return (byKind[t.kind] as Handler<InspectTarget>)(t, opts)
}

async function inspectPushed(ref: string, opts: InspectTargetOptions): Promise<ImageReport> {
  const { platform, files, ...registry } = opts
  const only = platform === undefined ? {} : { wants: (p: OciPlatform) => selectsPlatform(platform, p), platform }
  const remote = await readRemoteImage(ref, { ...registry, ...only })
  const report = await inspectArchive(remote.archive, platform, { files: files === true })
  return { ...report, format: 'registry', referrers: remote.referrers }
}
