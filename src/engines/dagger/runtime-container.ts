// BuildPlan runtime → Dagger containers, one per platform. The plan's files
// are gostatic's own layer (the same bytes the local engine writes), imported
// as an OCI archive: the whole filesystem on the static and scratch bases,
// copied on top of `from(ref)` on an image base, owners and modes kept.
import { join } from 'node:path'
import {
  NetworkProtocol,
  type Client,
  type Container,
  type File,
  type Platform as DaggerPlatform,
} from '@dagger.io/dagger'
import type { BuildPlan, RuntimePlan, TargetPlan } from '../../plan/build-plan.js'
import { buildLayer } from '../../oci/layer.js'
import { writeOciArchive } from '../../oci/oci-writer.js'
import { materialize, type MaterializeContext } from '../runtime-files.js'
import { pulledRef } from '../../plan/runtime-bases.js'

/**
 * Writes the target's runtime files (the plan's, and what check-needs added)
 * as a one-layer image per platform, for Container.import_; null when there are none.
 */
export async function filesArchive(
  runtime: RuntimePlan,
  t: TargetPlan,
  ctx: MaterializeContext & { readonly epoch: number; readonly tmp: string },
): Promise<string | null> {
  if (runtime.files.length === 0) return null
  const layer = await buildLayer(await materialize(runtime.files, ctx), { mtime: ctx.epoch })
  const path = join(ctx.tmp, `base-${t.output.replace(/\//g, '-')}.tar`)
  await writeOciArchive(
    path,
    [
      {
        platform: { os: t.os, architecture: t.architecture, ...(t.variant ? { variant: t.variant } : {}) },
        layers: [layer],
        config: {},
      },
    ],
    { sourceDateEpoch: ctx.epoch },
  )
  return path
}

/** The base with the plan's files in place, before the binary and the image config. */
export function baseContainer(dag: Client, plan: BuildPlan, t: TargetPlan, files: File | null): Container {
  const r = plan.runtime
  const c = dag.container({ platform: daggerPlatform(t) })
  const ref = pulledRef(r.base)
  if (ref === null) return files ? c.import_(files) : c
  const base = c.from(ref)
  return files
    ? base.withDirectory(
        '/',
        dag
          .container({ platform: daggerPlatform(t) })
          .import_(files)
          .rootfs(),
      )
    : base
}

/** `further` are the .binary() programs: each withFile is a layer of its own, after the main binary's. */
export function runtimeContainer(
  plan: BuildPlan,
  base: Container,
  binary: File,
  further: readonly { readonly path: string; readonly file: File }[] = [],
): Container {
  const r = plan.runtime
  let c = base.withFile(r.binaryPath, binary, { permissions: 0o755 })
  for (const b of further) c = c.withFile(b.path, b.file, { permissions: 0o755 })
  for (const e of r.config.env) {
    const i = e.indexOf('=')
    c = c.withEnvVariable(e.slice(0, i), e.slice(i + 1))
  }
  for (const [k, v] of Object.entries(r.config.labels)) c = c.withLabel(k, v)
  for (const p of r.config.exposedPorts) {
    const [port, proto] = p.split('/')
    c = c.withExposedPort(Number(port), { protocol: proto === 'udp' ? NetworkProtocol.Udp : NetworkProtocol.Tcp })
  }
  for (const [k, v] of Object.entries(r.annotations)) c = c.withAnnotation(k, v)
  if (r.config.user !== null) c = c.withUser(r.config.user)
  c = c.withWorkdir(r.config.workdir).withEntrypoint([...r.config.entrypoint])
  return r.config.cmd.length ? c.withDefaultArgs([...r.config.cmd]) : c.withoutDefaultArgs()
}

export function daggerPlatform(t: TargetPlan): DaggerPlatform {
  return `${t.os}/${t.architecture}${t.variant ? `/${t.variant}` : ''}` as DaggerPlatform
}
