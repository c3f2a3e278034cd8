// BuildPlan: everything an engine needs, decided. Plain data; steps carry a
// `kind` so engines and renderers walk them with an exhaustive handler map.
import type { Platform } from '../spec/platform.js'
import type { SbomFormat, Secret } from '../spec/service-spec.js'
import type { NeedId } from '../spec/needs-options.js'
import type { CgoToolchain } from '../spec/cgo-options.js'

export interface GoPlan {
  /**
   * The Go version asked for (by the spec or the module's go.mod/go.work), or null for "whatever the host/builder has".
   */
  readonly version: string | null
  /** Where `version` came from. */
  readonly from: GoVersionSource
  /** Toolchain to switch to (GOTOOLCHAIN) when the host Go is older than `version`. */
  readonly toolchainIfOlder: string | null
  readonly builderImage: string
  /**
   * Tools the builder stage runs beyond Go, each with the package that provides it under the image's package manager.
   */
  readonly builderTools: { readonly manager: 'apk' | 'apt'; readonly tools: readonly BuilderTool[] }
  /** A static cgo build, or null: CGO_ENABLED=0. */
  readonly cgo: CgoPlan | null
  /**
   * Env of go commands that act on the whole module (mod download, mod verify, vendoring): the build env without
   * GOOS/GOARCH/GOARM.
   */
  readonly moduleEnv: Readonly<Record<string, string>>
}

/** 'confine': a symlink out of the source folder is refused; 'follow': the user opted in. */
export type SourceLinks = 'confine' | 'follow'

/** `file` is relative to the service's source: 'go.mod', or a go.work above it. */
export type GoVersionSource =
  | { readonly kind: 'spec' }
  | { readonly kind: 'toolchain-line'; readonly file: string; readonly line: number }
  | { readonly kind: 'go-line'; readonly file: string; readonly line: number }
  | { readonly kind: 'host' }

/** A command the builder needs, installed from `package` only when the image lacks it. */
export interface BuilderTool {
  readonly command: string
  readonly package: string
  /** Shell commands run after the packages install, for a tool no package provides at the pinned version. */
  readonly setup?: readonly string[]
  /** Only the rendered Dockerfile runs it (the engines do the same work in-process), so the Dagger builder skips it. */
  readonly dockerfileOnly?: boolean
}

/** A static cgo build (.cgo()): the toolchain, why it was picked, and what engines need to run it. */
export interface CgoPlan {
  readonly toolchain: CgoToolchain
  /** Why this toolchain: the spec named it, or what .cgo() alone picked from the host facts. */
  readonly why: string
  /** The C toolchain that CC names, as a command the engine finds on the machine that builds. */
  readonly tool: CgoTool
  /** The tags known cgo modules need with cgo on, per module. */
  readonly moduleTags: readonly { readonly module: string; readonly tags: readonly string[]; readonly why: string }[]
  /**
   * A cache the toolchain keeps between builds: each env var points at one folder named `name` in the engine's cache.
   */
  readonly cache: { readonly env: readonly string[]; readonly name: string; readonly builderPath: string } | null
}

export interface CgoTool {
  readonly command: 'zig' | 'musl-gcc'
  /** The executable .cgo({ zig }) named on the machine that builds; null: look it up. */
  readonly path: string | null
  /** Where to look when path is null, in order: PATH, then the ziglang wheel as python3 -m ziglang finds it. */
  readonly lookup: readonly ('path' | 'python3 -m ziglang')[]
  /** The version builders install; a local lookup takes the one it finds. */
  readonly version: string | null
  /** How to install it, for the error when it is missing. */
  readonly install: string
}

export interface StripPlan {
  /** Tried in order; a tool that can't read the target's ELF moves on to the next. */
  readonly candidates: readonly string[]
  readonly args: readonly string[]
  /** All candidates failed or are absent: skip with this warning (-s -w already dropped the symbol tables). */
  readonly skipWarning: string
  /**
   * The link already ran with -s -w, so there is no symbol table or DWARF left:
   * strip can only rewrite the section table (a few KB) and removes nothing that runs.
   */
  readonly afterLinkerStrip: boolean
}

export type UpxPlan =
  | { readonly kind: 'none' }
  | { readonly kind: 'refused'; readonly rule: UpxRule; readonly message: string; readonly required: boolean }
  | {
      readonly kind: 'pack'
      readonly args: readonly string[]
      readonly testArgs: readonly string[]
      readonly required: boolean
      /** Args for the post-pack smoke run, or false when the user opted out. */
      readonly smoke: readonly string[] | false
      /** Variables added to the smoke run's environment, to reproduce the large-environment crash. */
      readonly smokeEnvSize: number
      /** User-mode emulator that runs the target's binary on another machine (called directly, no binfmt_misc). */
      readonly emulator: string | null
    }

export type UpxRule = 'platform' | 'buildmode' | 'signing' | 'fips' | 'environment'

export interface TargetPlan {
  readonly platform: Platform
  readonly os: string
  readonly architecture: string
  readonly variant: string | undefined
  readonly elfMachine: string
  /** The complete build environment; nothing else is added by an engine. */
  readonly env: Readonly<Record<string, string>>
  /** `go` argv up to, not including, `-o <output> <package>`. */
  readonly goArgs: readonly string[]
  /** Output path relative to the engine's output folder. */
  readonly output: string
  readonly package: string
  readonly strip: StripPlan | null
  readonly upx: UpxPlan
  readonly verify: VerifyPlan
}

export interface VerifyPlan {
  readonly elfMachine: string
  /** Build settings the embedded Go build info must show. */
  readonly settings: Readonly<Record<string, string>>
  /**
   * A cgo build's C toolchain: the binary must show the external linker's mark (an ELF .comment
   * section, which Go's internal linker never writes). null: cgo is off.
   */
  readonly externalLink: CgoToolchain | null
}

export type RuntimeFile =
  | {
      readonly kind: 'text'
      readonly path: string
      readonly mode: number
      readonly uid: number
      readonly gid: number
      readonly content: string
    }
  | { readonly kind: 'dir'; readonly path: string; readonly mode: number; readonly uid: number; readonly gid: number }
  | { readonly kind: 'ca-bundle'; readonly path: string; readonly mode: number; readonly source: CaSource }
  | { readonly kind: 'zoneinfo'; readonly path: string; readonly zones: 'all' | readonly string[] }
  | { readonly kind: 'host-file'; readonly from: string; readonly path: string; readonly mode: number | null }

/**
 * Where the CA bundle's bytes come from; every backend translates the same source.
 * node-root-store: Node's bundled Mozilla roots (tls.rootCertificates) in the Node that runs gostatic.
 * file: a PEM file in the source folder, copied byte for byte.
 */
export type CaSource = { readonly kind: 'node-root-store' } | { readonly kind: 'file'; readonly from: string }

export type RuntimeBase =
  { readonly kind: 'scratch' } | { readonly kind: 'static' } | { readonly kind: 'image'; readonly ref: string }

export interface ImageConfigPlan {
  readonly entrypoint: readonly string[]
  readonly cmd: readonly string[]
  readonly env: readonly string[]
  /** null: keep the base image's user. */
  readonly user: string | null
  readonly workdir: string
  readonly exposedPorts: readonly string[]
  readonly labels: Readonly<Record<string, string>>
}

export interface RuntimePlan {
  readonly base: RuntimeBase
  readonly binaryPath: string
  readonly files: readonly RuntimeFile[]
  readonly config: ImageConfigPlan
  readonly annotations: Readonly<Record<string, string>>
}

/**
 * A step's `binary` is the image path of the .binary() it works on (see plan/binaries.ts); absent: the main binary.
 */
export type Step =
  /** `optional` files may be absent (a module with no dependencies has no go.sum). */
  | { readonly kind: 'copy-module-files'; readonly files: readonly string[]; readonly optional: readonly string[] }
  | { readonly kind: 'mod-download'; readonly args: readonly string[] }
  | { readonly kind: 'copy-sources'; readonly include: readonly string[]; readonly exclude: readonly string[] }
  | { readonly kind: 'go-build'; readonly platform: Platform; readonly binary?: string }
  | { readonly kind: 'strip'; readonly platform: Platform; readonly binary?: string }
  | { readonly kind: 'upx'; readonly platform: Platform; readonly binary?: string }
  /**
   * Reads the binary's runtime needs (function table, build info; before UPX
   * hides them) and checks them against the image's files: see
   * plan/needs-check.ts. `refuseModules` is what a Dockerfile build can check
   * of it: modules whose CGO_ENABLED=0 build is a stub, refused on every base.
   */
  | {
      readonly kind: 'check-needs'
      readonly platform: Platform
      readonly binary?: string
      readonly refuseModules: readonly RefusedModule[]
    }
  | { readonly kind: 'verify-static'; readonly platform: Platform; readonly binary?: string }
  | { readonly kind: 'assemble-runtime' }

/** A further program (.binary()): built for every target like the main one, into a layer of its own. */
export interface BinaryPlan {
  readonly package: string
  /** Absolute path in the image; also the `binary` of its steps. */
  readonly path: string
}

export interface RefusedModule {
  readonly module: string
  readonly replacement: string
}

export type StepKind = Step['kind']

export interface PlanNote {
  readonly topic: string
  readonly text: string
}

/** How a build treats the runtime needs it reads from the binary (see plan/needs-check.ts). */
export interface NeedsPolicy {
  /** Unmet warnings fail the build. */
  readonly strict: boolean
  /** Needs not to check: reported as ignored, never a warning. */
  readonly ignore: readonly NeedId[]
  /** Needs the user turned the files off for (caCertificates(false)): not met automatically on a static base. */
  readonly declined: readonly NeedId[]
}

export interface BuildPlan {
  readonly schema: 'gostatic.plan/v1'
  readonly service: string
  /** links: what copy() and caCertificates({ file }) do with a symlink out of dir (see util/confined-path.ts). */
  readonly source: { readonly dir: string; readonly main: string; readonly links: SourceLinks }
  readonly go: GoPlan
  readonly targets: readonly TargetPlan[]
  /** The .binary() programs, after the main one (each target's package); the entrypoint stays the main binary. */
  readonly binaries: readonly BinaryPlan[]
  readonly steps: readonly Step[]
  readonly runtime: RuntimePlan
  readonly secrets: readonly Secret[]
  readonly needs: NeedsPolicy
  readonly warnings: readonly string[]
  readonly notes: readonly PlanNote[]
  /** What the build attests: SBOM formats per platform image (none when empty). */
  readonly supplyChain: { readonly sbom: readonly SbomFormat[] }
}
