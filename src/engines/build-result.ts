// What a build produced, engine-independent: verified targets held in memory,
// and the separate steps over them (export now; publish/load in their issues).
import type { BuildPlan } from '../plan/build-plan.js'
import type { Platform } from '../spec/platform.js'
import type { DaggerContainer } from './dagger-types.js'
import type { ElfInfo } from '../inspect/elf-reader.js'
import type { GoBuildInfo } from '../inspect/go-buildinfo.js'
import type { BuiltLayer } from '../oci/layer.js'
import type { OciImageConfig, WrittenOciArchive } from '../oci/oci-writer.js'
import type { PublishOptions as RegistryPublishOptions } from '../registry/registry-options.js'
import type { Sbom } from '../attest/sbom.js'
import type { SignOptions } from './sign-key.js'
import type { TargetNeeds } from '../verify/verify-needs.js'

export type { TargetNeeds }

export interface PublishOptions extends RegistryPublishOptions {
  /** Sign with this key instead of the build's (see BuildOptions.sign). */
  sign?: SignOptions
  /** Push the SBOMs (.sbom) and, with a key, signatures (.sig) and attestations (.att); default true. */
  attach?: boolean
}

/** What UPX packing costs at every start: median wall time of the smoke command, unpacked vs packed. */
export interface StartupCost {
  readonly runs: number
  readonly unpackedMs: number
  readonly packedMs: number
}

export type EngineName = 'local' | 'dagger'

export interface TargetReport {
  readonly platform: Platform
  /** Bytes after go build, after strip, after upx (null when the step did not run). */
  readonly sizes: { readonly built: number; readonly stripped: number | null; readonly packed: number | null; readonly final: number }
  readonly strip: 'stripped' | 'skipped' | 'not requested'
  readonly upx: 'packed' | 'kept unpacked' | 'refused' | 'not requested'
  readonly upxStartup: StartupCost | null
  readonly elf: ElfInfo
  readonly goVersion: string
  readonly settings: Readonly<Record<string, string>>
  /** The runtime needs read from the binary and checked against the image: '4/4 met', 'tz missing', and each verdict. */
  readonly needs: TargetNeeds
  readonly layers: readonly { readonly digest: string; readonly size: number }[]
  readonly imageBytes: number
}

export interface BuildReport {
  readonly service: string
  readonly engine: EngineName
  readonly go: string
  readonly targets: readonly TargetReport[]
  readonly warnings: readonly string[]
  readonly ms: number
}

/** One verified platform image, ready to be written. */
export interface BuiltImage {
  readonly platform: Platform
  readonly os: string
  readonly architecture: string
  readonly variant: string | undefined
  readonly layers: readonly BuiltLayer[]
  readonly history: readonly string[]
  readonly config: OciImageConfig
  readonly annotations: Readonly<Record<string, string>>
  readonly binary: { readonly bytes: Buffer; readonly verified: { elf: ElfInfo; buildInfo: GoBuildInfo } }
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
  /** `docker load` into the daemon DOCKER_HOST names; resolves to the loaded tag. Needs a running daemon. */
  load(opts?: Pick<ExportOptions, 'tag'>): Promise<string>
  /** The SBOMs and provenance (computed once, on first use). */
  supplyChain(): Promise<SupplyChainDocs>
}
