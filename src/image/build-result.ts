// What a build returns: the engine's verified images and report, and the
// separate operations over them (export, publish, load), as ko keeps build
// and publish apart.
import type { BuildPlan } from '../plan/build-plan.js'
import type { Platform } from '../spec/platform.js'
import type { DaggerContainer } from '../engines/dagger/dagger-types.js'
import type { BuildReport, BuiltImage, EngineName } from '../engines/engine-output.js'
import type { WrittenOciArchive } from '../oci/oci-writer.js'
import type { PublishOptions as RegistryPublishOptions } from '../registry/registry-options.js'
import type { Sbom } from '../attest/sbom.js'
import type { SignOptions } from './sign-key.js'

export type {
  BuildReport,
  BuiltImage,
  EngineName,
  StartupCost,
  TargetNeeds,
  TargetReport,
} from '../engines/engine-output.js'

export interface PublishOptions extends RegistryPublishOptions {
  /** Sign with this key instead of the build's (see BuildOptions.sign). */
  sign?: SignOptions
  /** Push the SBOMs (.sbom) and, with a key, signatures (.sig) and attestations (.att); default true. */
  attach?: boolean
}

export interface ExportOptions {
  /** Image name recorded in the archive (docker load tags it), default gostatic.local/<service>:latest. */
  tag?: string
  /**
   * Also write the supply-chain artefacts into the archive, listed in index.json under cosign's tag
   * names: the SBOMs (sha256-<hex>.sbom) and, with a signing key, signatures (.sig) and attestations (.att).
   */
  attach?: boolean
  /** Sign with this key instead of the build's (see BuildOptions.sign). */
  sign?: SignOptions
}

/** What the build attests, for a caller to store or check: SBOM files and the provenance statement. */
export interface SupplyChainDocs {
  /** One per platform image and SBOM format. */
  readonly sboms: readonly Sbom[]
  /** The SLSA v1 provenance, an in-toto Statement (canonical JSON). */
  readonly provenance: Buffer
  /** The signing key's public half (SPKI PEM) for `cosign verify --key`; null without a key. */
  readonly publicKey: string | null
}

export interface BuildResult {
  /** Dagger engine with a caller's `dag` only: the runtime containers, to compose into a Dagger pipeline. */
  readonly containers?: ReadonlyMap<Platform, DaggerContainer>
  readonly service: string
  readonly engine: EngineName
  readonly plan: BuildPlan
  readonly images: readonly BuiltImage[]
  readonly report: BuildReport
  /** Writes one OCI archive (an image index for several platforms); temp name, then rename. */
  exportTarball(path: string, opts?: ExportOptions): Promise<WrittenOciArchive>
  /** Writes the final binary for one platform (default: the only or first one). */
  exportBinary(path: string, platform?: Platform): Promise<string>
  /**
   * Pushes the image (an image index for several platforms) to `ref`, e.g.
   * '127.0.0.1:5000/team/hello:1.0', tag last; resolves to the digest
   * reference 'registry/repository:tag@sha256:…'. Credentials as for pulls.
   */
  publish(ref: string, opts?: PublishOptions): Promise<string>
  /**
   * Loads the first platform's image into the Docker daemon DOCKER_HOST names, streamed (the daemon's API over a
   * unix socket, else `docker load`'s stdin; no archive is written), tagged `tag` (default
   * gostatic.local/<service>:latest); resolves to the tag. Needs a running daemon.
   */
  load(opts?: Pick<ExportOptions, 'tag'>): Promise<string>
  /** The SBOMs and provenance (computed once, on first use). */
  supplyChain(): Promise<SupplyChainDocs>
}
