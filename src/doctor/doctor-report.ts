// What `doctor()` returns: plain data, printed as text or JSON.
import type { Platform } from '../spec/platform.js'

/** Only blockers make `gostatic doctor` exit non-zero. */
export type Severity = 'blocker' | 'warning' | 'info'

/** What a cgo package does when the build turns cgo off. */
export type WithoutCgo = 'fails to build' | 'stub' | 'switches files' | 'drops out'

/** Standard-library uses whose behaviour in a static image depends on what the image holds. */
export type Topic = 'os/user' | 'net' | 'crypto/x509' | 'time.LoadLocation' | 'plugin'

export type Finding =
  | {
      readonly kind: 'needs-cgo'
      readonly severity: Severity
      readonly package: string
      readonly module: string | null
      /** main → … → package, in the CGO_ENABLED=1 graph. */
      readonly chain: readonly string[]
      readonly withoutCgo: WithoutCgo
      readonly message: string
      readonly replacement: { readonly path: string; readonly note: string } | null
      /**
       * The other way out for a package that needs cgo: a static cgo build, and the tags its plan adds. Null for the
       * standard library.
       */
      readonly withCgo: { readonly call: string; readonly tags: readonly string[]; readonly note: string } | null
    }
  | {
      readonly kind: 'changes-meaning'
      readonly severity: Severity
      readonly topic: Topic
      readonly package: string
      /** main → … → package, in the CGO_ENABLED=0 graph (what gostatic builds). */
      readonly chain: readonly string[]
      readonly message: string
      /** What gostatic's plan already does about it for the chosen runtime. */
      readonly planDoes: string
      /** What is left to the user. */
      readonly youChoose: string
      /** Where it was seen: source lines, or the files Go swaps. */
      readonly evidence: readonly string[]
    }
  | {
      /** Broken with cgo on as well: not a cgo question, but the build would fail. */
      readonly kind: 'package-error'
      readonly severity: 'blocker'
      readonly package: string
      readonly chain: readonly string[]
      readonly message: string
    }

export interface DoctorReport {
  readonly schema: 'gostatic.doctor/v1'
  readonly dir: string
  readonly main: string
  readonly platform: Platform
  readonly runtime: string
  readonly tags: readonly string[]
  /** No blockers: the service can be built with CGO_ENABLED=0 and run on the chosen runtime. */
  readonly ok: boolean
  readonly counts: { readonly blocker: number; readonly warning: number; readonly info: number }
  /** Blockers first, then warnings, then info. */
  readonly findings: readonly Finding[]
  /** How the checks were made, so a clean report is not read as more than it is. */
  readonly notes: readonly string[]
}
