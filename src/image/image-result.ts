// The BuildResult both engines return: verified images held in memory, and
// the separate steps over them. Export writes our own deterministic archive;
// publish and load go through that very archive, so the pushed digest is the
// one `gostatic build` prints.
import type { BuildResult } from './build-result.js'
import type { BuiltImage, EngineOutput } from '../engines/engine-output.js'
import { writeOciArchive } from '../oci/oci-writer.js'
import { withTempArchive } from '../oci/temp-archive.js'
import { requireOutputPath, writeFileAtomic } from '../util/atomic-write.js'
import { ErrorCode, GostaticError } from '../errors.js'
import { publishRef } from '../registry/publish-ref.js'
import { dockerLoad } from './docker-load.js'
import type { OciImageInput } from '../oci/oci-writer.js'
import { parseImageRef } from '../spec/image-ref.js'
import type { Signer } from '../attest/signer.js'
import type { SupplyChain } from '../attest/supply-chain.js'
import { NO_ATTEST, type AttestContext } from './attest-context.js'
import { buildSupplyChain } from './supply-chain-result.js'
import { withFactLabels } from './fact-labels.js'
import { loadSigner, type SignOptions } from './sign-key.js'

export interface ImageResultInput extends EngineOutput {
  /** The signer, source and spec the build was started with. */
  readonly attest?: AttestContext
}

export function imageResult(input: ImageResultInput): BuildResult {
  const facts = { source: input.attest?.source ?? null, epoch: input.epoch }
  const r = { ...input, images: withFactLabels(input.images, input.plan, facts) }
  const service = r.plan.service
  const images: OciImageInput[] = r.images.map((i) => ({
    platform: platformOf(i),
    layers: [...i.layers],
    config: i.config,
    annotations: { ...i.annotations },
    history: [...i.history],
  }))
  // The first platform, not the host's, is what `docker load` sees: the archive's bytes don't depend on the machine.
  const loadPlatform = platformOf(r.images[0]!)
  const context = r.attest ?? NO_ATTEST
  let chain: Promise<SupplyChain> | undefined
  const supply = () =>
    (chain ??= buildSupplyChain({
      plan: r.plan,
      images: r.images,
      archiveImages: images,
      loadPlatform,
      epoch: r.epoch,
      engine: r.report.engine,
      context,
      engineFacts: r.engineFacts,
    }))
  const signerFor = (sign: SignOptions | undefined): Signer | null =>
    sign === undefined ? context.signer : loadSigner(sign, r.env)
  /** The cosign artefacts for `ref`'s repository: none when nothing is attested or attach is off. */
  const attachments = async (ref: string, attach: boolean, signer: Signer | null) => {
    if (!attach || (signer === null && r.plan.supplyChain.sbom.length === 0)) return []
    return (await supply())
      .attachments(signer, dockerReference(ref))
      .map((a) => ({ refName: a.tag, digest: a.digest, manifest: a.manifest, blobs: a.blobs }))
  }
  const write = async (path: string, tag: string, atts: Awaited<ReturnType<typeof attachments>>) =>
    writeOciArchive(path, images, { refName: tag, sourceDateEpoch: r.epoch, loadPlatform, attachments: atts })
  const exportTarball: BuildResult['exportTarball'] = async (path, opts = {}) => {
    const out = requireOutputPath(path, 'exportTarball')
    const tag = opts.tag === undefined ? `gostatic.local/${service}:latest` : archiveTag(opts.tag)
    return write(out, tag, await attachments(tag, opts.attach === true, signerFor(opts.sign)))
  }
  return {
    ...(r.containers ? { containers: r.containers } : {}),
    service,
    engine: r.report.engine,
    plan: r.plan,
    images: r.images,
    report: r.report,
    exportTarball,
    exportBinary: async (path, platform) => {
      const img = platform ? r.images.find((i) => i.platform === platform) : r.images[0]
      if (!img)
        throw new GostaticError(
          ErrorCode.INVALID_CONFIG,
          `exportBinary: ${service} was not built for ` +
            `${platform}; it has ${r.images.map((i) => i.platform).join(', ')}`,
        )
      return writeFileAtomic(requireOutputPath(path, 'exportBinary', 'gostatic-out/hello'), img.binary.bytes, 0o755)
    },
    // The reference and tag are checked before anything is signed or written.
    publish: async (ref, opts = {}) => {
      publishRef(ref)
      const { sign, attach, ...push } = opts
      const atts = await attachments(ref, attach !== false, signerFor(sign))
      const upload = async (p: string) => {
        const { publishOciArchive } = await import('../registry/push-image.js')
        return (await publishOciArchive(p, ref, { ...r.registry, ...push, cacheDir: r.cacheDir })).reference
      }
      return withTempArchive(service, (p) => write(p, ref, atts), upload)
    },
    load: async (opts = {}) => {
      if (opts.tag !== undefined) archiveTag(opts.tag)
      return withTempArchive(
        service,
        (p) => exportTarball(p, { ...(opts.tag ? { tag: opts.tag } : {}) }),
        (p) => dockerLoad(p, r.env),
      )
    },
    supplyChain: async () => {
      const c = await supply()
      return { sboms: c.sboms, provenance: c.provenance, publicKey: context.signer?.publicKeyPem ?? null }
    },
  }
}

/** The name `docker load` tags the image with: a reference with a tag, no digest. */
function archiveTag(tag: unknown): string {
  const r = typeof tag === 'string' ? parseImageRef(tag) : { ok: false as const, reason: `got ${String(tag)}` }
  if (!r.ok)
    throw new GostaticError(
      ErrorCode.INVALID_REFERENCE,
      `tag '${String(tag)}' is not an image name like 'team/hello:1.0': ${r.reason}`,
    )
  if (r.ref.digest !== undefined)
    throw new GostaticError(
      ErrorCode.INVALID_REFERENCE,
      `tag '${tag}' has a digest; docker load tags images by name:tag only`,
    )
  return tag as string
}

/** The repository a signature names (docker-reference): the reference without tag or digest. */
function dockerReference(ref: string): string {
  const p = parseImageRef(ref)
  return p.ok ? `${p.ref.registry}/${p.ref.repository}` : ref
}

function platformOf(i: BuiltImage): { os: string; architecture: string; variant?: string } {
  return { os: i.os, architecture: i.architecture, ...(i.variant ? { variant: i.variant } : {}) }
}
