// Dagger SDK errors → GostaticErrors, by the SDK's own classes and its stable
// codes (ERROR_CODES): a failed exec carries its command, exit code and
// stderr like a failed local tool run; a session that cannot open says the
// engine is unavailable; anything else the engine refused says so. The map
// is keyed by every code the SDK defines, so an SDK upgrade that adds one is
// a type error here until it is translated.
import { DaggerSDKError, ExecError } from '@dagger.io/dagger'
import { ErrorCode, GostaticError, ToolError, isGostaticError } from '../../errors.js'
import { goCommandError } from '../../toolchain/go-errors.js'
import { hint } from '../../hints.js'

type SdkCode = DaggerSDKError['code']
type Translate = (e: DaggerSDKError, what: string) => GostaticError

const byCode: { [C in SdkCode]: Translate } = {
  // GraphQLRequestError: the engine answered with an error (an image it cannot pull, a path that is not there).
  D100: (e, what) => failed(e, what),
  // UnknownDaggerError: the SDK wraps what it could not classify; its cause says what happened.
  D101: (e, what) => failed(e, what),
  // TooManyNestedObjectsError
  D102: (e, what) => failed(e, what),
  // EngineSessionConnectParamsParseError, EngineSessionConnectionTimeoutError, EngineSessionError,
  // InitEngineSessionBinaryError, DockerImageRefValidationError: no session could be opened.
  D103: (e) => unavailable(e),
  D104: (e) => unavailable(e),
  D105: (e) => unavailable(e),
  D106: (e) => unavailable(e),
  D107: (e) => unavailable(e),
  // NotAwaitedRequestError: the SDK raises it when the session port refuses the connection (ECONNREFUSED).
  D108: (e) => unavailable(e),
  // ExecError; the SDK's FunctionNotFound reuses its code but is no exec.
  D109: (e, what) => (e instanceof ExecError ? execFailed(e, what) : failed(e, what)),
  // IntrospectionError
  D110: (e, what) => failed(e, what),
}

/** `what` names the build in messages, e.g. "hello (linux/arm64)". GostaticErrors and non-SDK errors pass unchanged. */
export function translateDaggerError(e: unknown, what: string): unknown {
  if (isGostaticError(e)) return e
  const sdk = sdkError(e)
  return sdk ? byCode[sdk.code](sdk, what) : e
}

/** The error of a session that never opened: the SDK's reason when it gave one, else what connection() threw. */
export function sessionError(e: unknown): GostaticError {
  if (isGostaticError(e)) return e
  const sdk = sdkError(e)
  if (sdk) return unavailable(sdk)
  return unavailable(e instanceof Error ? e : new Error(String(e)))
}

/** The SDK error itself, or the one a wrapper carries as its cause (connection() wraps a session's failure). */
function sdkError(e: unknown): DaggerSDKError | null {
  for (let x = e, depth = 0; x instanceof Error && depth < 5; x = x.cause, depth++)
    if (x instanceof DaggerSDKError) return x
  return null
}

function execFailed(e: ExecError, what: string): ToolError {
  const isBuild = e.cmd[0] === 'go' && e.cmd[1] === 'build'
  const run = { cmd: e.cmd, exitCode: e.exitCode, signal: null, stdout: e.stdout, stderr: e.stderr }
  const failed = `${isBuild ? 'go build' : e.cmd.join(' ')} failed for ${what} in the Dagger builder`
  // A go command gets the hints a failed local go run gets (a Go version it refuses, a module server that said no).
  if (e.cmd[0] === 'go') return goCommandError(failed, run, isBuild ? ErrorCode.GO_BUILD_FAILED : ErrorCode.TOOL_FAILED)
  return new ToolError(ErrorCode.TOOL_FAILED, `${failed}:\n${e.stderr.trim()}`, run)
}

function unavailable(e: Error): GostaticError {
  // NotAwaitedRequestError's own message blames the caller; its cause holds the refused connection.
  const reason = e instanceof DaggerSDKError && e.code === 'D108' && e.cause instanceof Error ? e.cause : e
  const message = `cannot reach the Dagger engine: ${firstLine(reason.message)}`
  return new GostaticError(ErrorCode.ENGINE_UNAVAILABLE, message, { hint: hint('dagger-unavailable'), cause: e })
}

function failed(e: DaggerSDKError, what: string): GostaticError {
  const reason = e.code === 'D101' && e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message
  const message = `the Dagger engine failed building ${what}: ${firstLine(reason)}`
  return new GostaticError(ErrorCode.ENGINE_FAILED, message, { cause: e })
}

// The Dagger CLI's own log lines ("2026/12/01 11:17:27 WARN failed to parse git
// remote URL ...") can come before the error it exits with; they are not the reason.
const CLI_LOG_LINE = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} (DEBUG|INFO|WARN)\b/

/** The first line that says what went wrong, without the `[traceparent:…]` the CLI appends per layer. */
function firstLine(message: string): string {
  const lines = message.split('\n').filter((l) => l.trim() !== '')
  const line = lines.find((l) => !CLI_LOG_LINE.test(l)) ?? lines[0] ?? ''
  return line.replace(/\s*\[traceparent:[^\]]*\]/g, '').trim()
}
