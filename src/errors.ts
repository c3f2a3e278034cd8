// One error type for everything a user can get wrong or a tool can fail at.
// `code` is stable: scripts and tests match on it, never on message text.
import { maskSecrets, maskToolOutput } from './secret-mask.js'

export const ErrorCode = {
  INVALID_SPEC: 'INVALID_SPEC',
  INVALID_CONFIG: 'INVALID_CONFIG',
  /** The command line itself is wrong (an unknown flag or command, a bad flag value): the CLI exits 2. */
  USAGE: 'USAGE',
  INVALID_REFERENCE: 'INVALID_REFERENCE',
  UPX_REFUSED: 'UPX_REFUSED',
  UPX_FAILED: 'UPX_FAILED',
  TOOL_MISSING: 'TOOL_MISSING',
  TOOL_FAILED: 'TOOL_FAILED',
  GO_BUILD_FAILED: 'GO_BUILD_FAILED',
  GO_VERSION: 'GO_VERSION',
  NOT_STATIC: 'NOT_STATIC',
  WRONG_TARGET: 'WRONG_TARGET',
  BUILD_SETTINGS: 'BUILD_SETTINGS',
  STRIP_CHANGED_LOAD: 'STRIP_CHANGED_LOAD',
  ELF_MALFORMED: 'ELF_MALFORMED',
  OCI_MALFORMED: 'OCI_MALFORMED',
  INPUT_NOT_FOUND: 'INPUT_NOT_FOUND',
  /** A file the build reads from the source folder is a link (or lies under one) that leads outside it. */
  PATH_OUTSIDE_SOURCE: 'PATH_OUTSIDE_SOURCE',
  ENGINE_UNAVAILABLE: 'ENGINE_UNAVAILABLE',
  /** A reachable build engine (Dagger) refused or failed a request: an image it cannot pull, a path it cannot read. */
  ENGINE_FAILED: 'ENGINE_FAILED',
  /** The Dagger engine's version does not match the installed Dagger SDK's (plan/dagger-version.ts). */
  ENGINE_VERSION: 'ENGINE_VERSION',
  UNSUPPORTED: 'UNSUPPORTED',
  CANCELLED: 'CANCELLED',
  VENDOR_OUT_OF_SYNC: 'VENDOR_OUT_OF_SYNC',
  OUTPUT_NOT_WRITABLE: 'OUTPUT_NOT_WRITABLE',
  REGISTRY_AUTH: 'REGISTRY_AUTH',
  REGISTRY_NOT_FOUND: 'REGISTRY_NOT_FOUND',
  REGISTRY_UNREACHABLE: 'REGISTRY_UNREACHABLE',
  REGISTRY_ERROR: 'REGISTRY_ERROR',
  /** A registry connection took longer to open, or sat idle longer, than its timeout (RegistryTimeoutError). */
  REGISTRY_TIMEOUT: 'REGISTRY_TIMEOUT',
  PLATFORM_NOT_FOUND: 'PLATFORM_NOT_FOUND',
  DIGEST_MISMATCH: 'DIGEST_MISMATCH',
  CGO_STUB: 'CGO_STUB',
  NEEDS_UNMET: 'NEEDS_UNMET',
  SIGNING_KEY: 'SIGNING_KEY',
  /** --since/--changed-since: a ref git cannot resolve, or a shallow clone without the history to compare. */
  GIT_HISTORY: 'GIT_HISTORY',
  /** A bug in gostatic itself, kept to the one service it hit (util/internal-failure.ts): please report it. */
  INTERNAL: 'INTERNAL',
} as const
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

// A gostatic.config.ts may load its own copy of this module (the config
// loader, or a second install of gostatic, gives it one), so errors carry a registry-wide brand that
// isGostaticError checks instead of relying on instanceof alone.
const BRAND = Symbol.for('gostatic.error')

export class GostaticError extends Error {
  readonly [BRAND] = true
  readonly code: ErrorCode
  /** A one-line hint at what to do about it, printed after the message. */
  readonly hint: string | undefined
  constructor(code: ErrorCode, message: string, options?: { hint?: string; cause?: unknown }) {
    // No secret value (a build secret, a URL's password) is ever part of an error's text.
    super(maskSecrets(message), options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'GostaticError'
    this.code = code
    this.hint = options?.hint === undefined ? undefined : maskSecrets(options.hint)
  }
}

/** A tool we ran exited non-zero: carries what a user needs to reproduce it. */
export class ToolError extends GostaticError {
  readonly cmd: readonly string[]
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
  constructor(
    code: ErrorCode,
    message: string,
    run: { cmd: readonly string[]; exitCode: number | null; stdout: string; stderr: string },
    options?: { hint?: string },
  ) {
    // A tool's words may quote a URL with a token in its query (go quotes GOPROXY's): masked too.
    super(code, maskToolOutput(message), options)
    this.name = 'ToolError'
    this.cmd = run.cmd.map(maskToolOutput)
    this.exitCode = run.exitCode
    this.stdout = maskToolOutput(run.stdout)
    this.stderr = maskToolOutput(run.stderr)
  }
}

/** A registry that took longer than a timeout: which one, for what URL, and how long it was. */
export class RegistryTimeoutError extends GostaticError {
  constructor(
    message: string,
    readonly url: string,
    readonly timeout: 'connect' | 'idle',
    readonly timeoutMs: number,
    options: { hint?: string; cause?: unknown },
  ) {
    super(ErrorCode.REGISTRY_TIMEOUT, message, options)
    this.name = 'RegistryTimeoutError'
  }
}

export function isGostaticError(e: unknown): e is GostaticError {
  return (
    e instanceof GostaticError ||
    (typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true)
  )
}
