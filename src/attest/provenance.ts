// SLSA v1 provenance (slsa.dev/spec/v1.0/provenance) as an in-toto
// Statement: what was built (each platform manifest and the index), from
// what (the spec, the source commit, Go, the base and builder images by
// digest) and by what (gostatic and its engine). Times follow the epoch
// rule, so two builds of the same commit give the same bytes. Secrets are
// named by the spec (id, where they are read), never valued.
import { hexOf, rfc3339, type ImageDigest } from './attest-facts.js'
import { statement, type Statement, type Subject } from './in-toto.js'
import { ociNameOf, ociPurl } from './purl.js'

export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1'
export const GOSTATIC_BUILD_TYPE = 'urn:gostatic:build-type:oci-image:v1'

export interface SourceFact {
  /** The checkout's origin URL without credentials, or its path when it has no remote. */
  readonly uri: string
  readonly commit: string
  readonly dirty: boolean
  /** The service source folder relative to the checkout's top level ('.' at the top). */
  readonly path: string
}

export interface ProvenanceFacts {
  readonly service: string
  readonly engine: 'local' | 'dagger'
  readonly subjects: readonly Subject[]
  /** The validated ServiceSpec, its source path made relative to the checkout when there is one. */
  readonly spec: unknown
  /** What the plan decided per target: go argv and environment. */
  readonly targets: readonly {
    readonly platform: string
    readonly goArgs: readonly string[]
    readonly env: Readonly<Record<string, string>>
    /** Every binary built for the target, the entrypoint first: its package and its path in the image. */
    readonly binaries: readonly { readonly package: string; readonly path: string }[]
  }[]
  readonly source: SourceFact | null
  readonly goVersion: string
  readonly base: ImageDigest | null
  /** The builder image the Dagger engine ran Go in; null on the local engine. */
  readonly builder: ImageDigest | null
  readonly epoch: number
  readonly toolVersion: string
}

type Dependency = { uri: string; name?: string; digest?: Record<string, string>; annotations?: Record<string, unknown> }

export interface SlsaProvenance {
  buildDefinition: {
    buildType: string
    externalParameters: { spec: unknown }
    internalParameters: { engine: string; targets: ProvenanceFacts['targets'] }
    resolvedDependencies: Dependency[]
  }
  runDetails: {
    builder: { id: string; version: Record<string, string> }
    metadata: { startedOn: string; finishedOn: string }
  }
}

export function provenanceStatement(f: ProvenanceFacts): Statement<SlsaProvenance> {
  const deps: Dependency[] = []
  if (f.source) {
    deps.push({
      name: 'source',
      uri: `git+${f.source.uri}`,
      digest: { gitCommit: f.source.commit },
      annotations: { dirty: f.source.dirty, path: f.source.path },
    })
  }
  deps.push({ name: 'go', uri: `https://go.dev/dl/#${f.goVersion}`, annotations: { version: f.goVersion } })
  if (f.base) deps.push(imageDependency('runtime-base', f.base))
  if (f.builder) deps.push(imageDependency('builder-image', f.builder))
  const at = rfc3339(f.epoch)
  return statement(f.subjects, SLSA_PROVENANCE_V1, {
    buildDefinition: {
      buildType: GOSTATIC_BUILD_TYPE,
      externalParameters: { spec: f.spec },
      internalParameters: { engine: f.engine, targets: f.targets },
      resolvedDependencies: deps,
    },
    runDetails: {
      builder: { id: `urn:gostatic:builder:${f.engine}`, version: { gostatic: f.toolVersion } },
      metadata: { startedOn: at, finishedOn: at },
    },
  })
}

function imageDependency(name: string, img: ImageDigest): Dependency {
  const { repository, name: last } = ociNameOf(img.name)
  return {
    name,
    uri: ociPurl(repository, last, img.digest),
    digest: { sha256: hexOf(img.digest) },
    annotations: { reference: img.name },
  }
}
