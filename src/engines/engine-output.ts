// What an engine hands back: verified platform images held in memory and the
// report of how they were made. Data only: exporting, publishing and loading
// are operations over it in image/, so engines never push or load anything.
import type { BuildPlan } from '../plan/build-plan.js'
import type { Platform } from '../spec/platform.js'
import type { DaggerContainer } from './dagger/dagger-types.js'
import type { ElfInfo } from '../inspect/elf-reader.js'
import type { GoBuildInfo } from '../inspect/go-buildinfo.js'
import type { BuiltLayer } from '../oci/layer.js'
import type { OciImageConfig } from '../oci/oci-writer.js'
import type { ImageDigest } from '../attest/attest-facts.js'
import type { RegistryOptions } from '../registry/registry-options.js'
import type { TargetNeeds } from '../verify/verify-needs.js'

export type { TargetNeeds }

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
  readonly sizes: {
    readonly built: number
    readonly stripped: number | null
    readonly packed: number | null
    readonly final: number
  }
  readonly strip: 'stripped' | 'skipped' | 'not requested'
  readonly upx: 'packed' | 'kept unpacked' | 'refused' | 'not requested'
  readonly upxStartup: StartupCost | null
  readonly elf: ElfInfo
  readonly goVersion: string
  readonly settings: Readonly<Record<string, string>>
  /**
   * The runtime needs read from the binary and checked against the image: '4/4 met', 'tz missing', and each verdict.
   */
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
  readonly binary: { readonly bytes: Buffer; readonly verified: VerifiedFacts }
  /** The .binary() programs, in the plan's order, each verified like the main one. */
  readonly binaries: readonly { readonly path: string; readonly bytes: Buffer; readonly verified: VerifiedFacts }[]
}

type VerifiedFacts = { elf: ElfInfo; buildInfo: GoBuildInfo }

/** Facts only the engine knows, for the provenance. */
export interface EngineAttestFacts {
  /** The Dagger engine's builder image, by digest. */
  readonly builder: ImageDigest | null
}

/** One engine run's outcome: what image/ turns into a BuildResult. */
export interface EngineOutput {
  readonly plan: BuildPlan
  readonly images: BuiltImage[]
  readonly report: BuildReport
  readonly epoch: number
  readonly env: NodeJS.ProcessEnv
  readonly cacheDir: string | null
  /** Registry settings the build was given; publish options win over them. */
  readonly registry: RegistryOptions
  readonly engineFacts: EngineAttestFacts
  /** Dagger engine with a caller's `dag` only: the runtime containers, valid while that session lives. */
  readonly containers?: ReadonlyMap<Platform, DaggerContainer>
}
