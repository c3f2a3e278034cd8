// The supply-chain documents of a built image, from the BuiltImages both
// engines produce: digests as the archive writer will compute them, files
// as the layers hold them, build info as verification read it. The
// documents themselves come from the pure functions in attest/.
import { baseImageOf, binaryFact, type SbomFacts } from '../attest/attest-facts.js'
import { supplyChain, type SupplyChain } from '../attest/supply-chain.js'
import { filesUnder } from '../oci/layer-files.js'
import { ociLayoutDigests, type OciImageInput } from '../oci/oci-writer.js'
import { Media } from '../oci/media-types.js'
import type { BuildPlan } from '../plan/build-plan.js'
import { imageBinaries } from '../plan/binaries.js'
import { VERSION } from '../version.js'
import type { AttestContext } from './attest-context.js'
import type { BuiltImage, EngineAttestFacts, EngineName } from '../engines/engine-output.js'

export interface SupplyChainSource {
  readonly plan: BuildPlan
  readonly images: readonly BuiltImage[]
  readonly archiveImages: readonly OciImageInput[]
  readonly loadPlatform: OciImageInput['platform']
  readonly epoch: number
  readonly engine: EngineName
  readonly context: AttestContext
  readonly engineFacts: EngineAttestFacts
}

export async function buildSupplyChain(s: SupplyChainSource): Promise<SupplyChain> {
  const { top, manifests } = ociLayoutDigests(s.archiveImages, {
    sourceDateEpoch: s.epoch,
    loadPlatform: s.loadPlatform,
  })
  const multi = s.images.length > 1
  const r = s.plan.runtime
  const binaryPaths = new Set(imageBinaries(s.plan).map((b) => b.path))
  const filePaths = r.files.map((f) => f.path).filter((p) => !binaryPaths.has(p))
  const images = []
  for (const [n, img] of s.images.entries()) {
    const m = manifests[n]!
    const files = (await filesUnder(img.layers, filePaths)).filter((f) => !binaryPaths.has(f.path))
    const facts: SbomFacts = {
      name: s.plan.service,
      image: { platform: m.platform, manifestDigest: m.digest, indexDigest: multi ? top.digest : null },
      binary: binaryFact(r.binaryPath, img.binary.bytes, img.binary.verified.buildInfo),
      binaries: img.binaries.map((b) => binaryFact(b.path, b.bytes, b.verified.buildInfo)),
      base: baseImageOf(img.annotations),
      files,
      epoch: s.epoch,
      toolVersion: VERSION,
    }
    images.push({ facts, manifest: { digest: m.digest, size: m.size, mediaType: Media.ociManifest } })
  }
  const base = s.images.map((i) => baseImageOf(i.annotations)).find((b) => b !== null) ?? null
  return supplyChain({
    name: s.plan.service,
    images,
    index: multi ? top : null,
    formats: s.plan.supplyChain.sbom,
    provenance: {
      service: s.plan.service,
      engine: s.engine,
      spec: externalSpec(s),
      targets: s.plan.targets.map((t) => ({
        platform: t.platform,
        goArgs: t.goArgs,
        env: t.env,
        binaries: imageBinaries(s.plan),
      })),
      source: s.context.source,
      goVersion: s.images[0]!.binary.verified.buildInfo.goVersion,
      base,
      builder: s.engineFacts.builder,
      epoch: s.epoch,
      toolVersion: VERSION,
    },
  })
}

/** The spec, with its source folder as the path inside the checkout: the same for every clone of a commit. */
function externalSpec(s: SupplyChainSource): unknown {
  const spec = s.context.spec
  if (spec === null) return { service: s.plan.service, note: 'built from a plan without its spec' }
  return s.context.source ? { ...spec, source: s.context.source.path } : spec
}
