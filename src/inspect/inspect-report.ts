// The report inspect() returns: plain data, JSON-serializable.
import type { ElfMachine, ElfType } from './elf-reader.js'
import type { GoBuildInfo } from './go-buildinfo.js'
import type { NeedVerdict } from '../plan/needs-check.js'
import type { Need } from '../plan/runtime-needs.js'
import type { AttachmentInfo, ReferrerInfo } from '../oci/oci-attachments.js'
import type { ModuleRole } from './go-symbol-package.js'
import type { LayeredEntry } from '../oci/image-tree.js'

export type { LayeredEntry } from '../oci/image-tree.js'

export type { ElfMachine, ElfType } from './elf-reader.js'
export type { GoBuildInfo, GoDependency, GoModule } from './go-buildinfo.js'
export type { NeedVerdict } from '../plan/needs-check.js'
export type { AttachmentInfo, ReferrerInfo } from '../oci/oci-attachments.js'
export type { Need, NeedId } from '../plan/runtime-needs.js'

export interface ElfFacts {
  readonly class: 32 | 64
  readonly endian: 'little' | 'big'
  readonly machine: ElfMachine
  readonly type: ElfType
  readonly pie: boolean
  /** No PT_INTERP and no DT_NEEDED. Of a UPX-packed file this describes the stub only. */
  readonly static: boolean
  readonly interpreter: string | null
  readonly needed: string[]
  readonly symtab: boolean
  /** Any .debug_* / .zdebug_* section. */
  readonly debug: boolean
  readonly stripped: boolean
  readonly upx: boolean
}

export interface BinaryFacts {
  /** On disk for a binary target; inside the image for an image's entrypoint. */
  readonly path: string
  readonly size: number
  readonly elf: ElfFacts
  readonly go: GoBuildInfo | null
  /** Why `go` is null; null when it is not. */
  readonly goMissing: 'hidden by UPX packing' | 'not a Go binary' | `unreadable: ${string}` | null
  /** The Go function table (it survives stripping); null when needs.status is 'unknown'. */
  readonly functionTable: FunctionTableFacts | null
  /** Where the file's bytes go: code by Go module and package, sections, and what is unattributed. */
  readonly sizes: ByteAttribution
}

/** Every byte of the file counted once: modules' code + sections + unattributed = total. */
export interface ByteAttribution {
  readonly total: number
  /** How code was split by package, or why it was not (then .text is one of the sections). */
  readonly code: 'function table' | `not attributed: ${string}`
  /** Code per module, largest first; a function counts to the next one's start (padding included). */
  readonly modules: ModuleBytes[]
  /** Headers and sections the function table does not split: data has no owner once symbols are stripped. */
  readonly sections: PartBytes[]
  readonly unattributed: PartBytes[]
}

export interface ModuleBytes {
  /** A module path; 'std' for the standard library; '(compiler-generated)' for type:/go: functions. */
  readonly path: string
  readonly version: string | null
  readonly role: ModuleRole | 'generated'
  readonly bytes: number
  readonly packages: PackageBytes[]
}

export interface PackageBytes {
  readonly path: string
  readonly bytes: number
  readonly functions: number
}

export interface PartBytes {
  readonly name: string
  readonly bytes: number
}

export interface FunctionTableFacts {
  /** 'go1.20': Go 1.20 and newer; 'go1.18': Go 1.18 and 1.19. */
  readonly format: 'go1.18' | 'go1.20'
  readonly location: string
  /** Functions with code. */
  readonly functions: number
  /** Names in the table, functions that were only inlined included. */
  readonly names: number
}

/**
 * What the binary needs at run time (zoneinfo, CA roots, ...), read from its
 * function table and build info. For an image each need is checked against
 * its files; a bare binary has no image to check against.
 */
export type NeedsReport =
  | { readonly status: 'checked'; readonly summary: string; readonly verdicts: NeedVerdict[] }
  | { readonly status: 'derived'; readonly summary: string; readonly needs: Need[] }
  | { readonly status: 'unknown'; readonly reason: string }

/** Computed by inspect from the bytes. 'unknown' when the bytes cannot tell (UPX, no build info, no binary). */
export interface Verdicts {
  readonly static: 'ok' | `dynamic: needs ${string}` | 'unknown'
  readonly cgo: 'CGO_ENABLED=0' | 'CGO_ENABLED=1' | 'unknown'
  readonly trimpath: '-trimpath=true' | '-trimpath=false' | 'unknown'
  readonly stripped: 'yes' | `no: has ${string}` | 'unknown'
  readonly upx: 'packed' | 'not packed' | 'unknown'
}

export interface ImageVerdicts extends Verdicts {
  /** Whether the entrypoint resolves, as a runtime would, to an ELF file in the image. */
  readonly entrypoint: 'ok' | `missing: ${string}` | `not an ELF binary: ${string}` | `unreadable: ${string}`
  /** The dev.gostatic.* manifest annotations our builds write (the plan's verdicts at build time). */
  readonly recorded: Record<string, string>
}

export interface LayerReport {
  readonly digest: string
  readonly mediaType: string
  /** Stored (compressed) bytes. */
  readonly size: number
  readonly createdBy: string | null
}

export interface ImageConfigReport {
  readonly entrypoint: string[]
  readonly cmd: string[]
  /** null when unset: the runtime runs it as root. */
  readonly user: string | null
  readonly env: string[]
  readonly workdir: string | null
  readonly exposedPorts: string[]
  readonly labels: Record<string, string>
}

/** A program of the image besides its entrypoint (.binary()). */
export interface FurtherBinary {
  readonly path: string
  /** null when `problem` says why it could not be read. */
  readonly binary: BinaryFacts | null
  readonly problem: string | null
}

export interface PlatformReport {
  /** os/architecture[/variant], e.g. linux/arm64. */
  readonly platform: string
  /** null for docker save archives, which have no manifest. */
  readonly manifestDigest: string | null
  readonly configDigest: string
  readonly layers: LayerReport[]
  readonly totalSize: number
  readonly config: ImageConfigReport
  readonly annotations: Record<string, string>
  /** The entrypoint binary; null when verdicts.entrypoint says why not. */
  readonly binary: BinaryFacts | null
  /** The image's other programs, as the dev.gostatic.binaries annotation lists them (.binary()); [] for none. */
  readonly binaries: readonly FurtherBinary[]
  readonly verdicts: ImageVerdicts
  readonly needs: NeedsReport
  /** Every file of the image with the layer that wrote it: only when InspectOptions.files asks. */
  readonly files?: LayeredEntry[]
}

export interface ImageReport {
  readonly kind: 'image'
  /** The archive's path, or the reference of a pushed image as given (without registry://). */
  readonly path: string
  /** 'registry': a pushed image, read through the registry API. */
  readonly format: 'oci' | 'docker' | 'registry'
  /** What index.json points at (OCI), the image ID (docker save), or what the reference resolves to (registry). */
  readonly digest: string
  readonly refName: string | null
  readonly platforms: PlatformReport[]
  /**
   * Signatures (.sig), attestations (.att) and SBOMs (.sbom) under cosign's tag names: listed in
   * the archive, or tagged in the repository for the digest and each platform manifest.
   */
  readonly attachments: readonly AttachmentInfo[]
  /**
   * What the registry's referrers API lists for the same digests; null for an archive or a registry without the API.
   */
  readonly referrers: readonly ReferrerInfo[] | null
}

export interface BinaryReport {
  readonly kind: 'binary'
  readonly path: string
  readonly binary: BinaryFacts
  readonly verdicts: Verdicts
  readonly needs: NeedsReport
}

export type InspectReport = ImageReport | BinaryReport

export interface InspectOptions {
  /** Only this platform of an image, e.g. 'linux/arm64' (variant optional). Ignored for a binary. */
  readonly platform?: string
  /** Also list every file of an image with the layer that wrote it (PlatformReport.files), as the HTML report shows. */
  readonly files?: boolean
}
