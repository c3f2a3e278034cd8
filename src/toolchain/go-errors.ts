// A failed go command as a GostaticError whose code and hint fit what went
// wrong: a Go version the toolchain refuses is not a network problem.
import { ErrorCode, ToolError } from '../errors.js'
import type { ToolRun } from '../util/run-tool.js'
import { glibcArchiveProblem, staticLinkProblem } from '../plan/static-link-error.js'
import { missingHeaderNote } from '../plan/missing-c-header.js'
import { hint } from '../hints.js'

const TOO_OLD = /requires go >= (\S+) \(running go (\S+); GOTOOLCHAIN=([^)]+)\)/
const DENIED = /\b(401 Unauthorized|403 Forbidden)\b|terminal prompts disabled|could not read Username/

/** `what` leads the message, e.g. 'go mod download failed in /src'; `code` is used when no cause is recognised. */
export function goCommandError(what: string, r: ToolRun, code: ErrorCode = ErrorCode.TOOL_FAILED): ToolError {
  const stderr = r.stderr.trim()
  const message = `${what}:\n${stderr}`
  // A cgo link that cannot be static is no build failure to retry: it says which library to install.
  const build = code === ErrorCode.GO_BUILD_FAILED
  const link = build ? (staticLinkProblem(stderr) ?? glibcArchiveProblem(stderr)) : null
  if (link) return new ToolError(ErrorCode.NOT_STATIC, `${what}: ${link.message}:\n${stderr}`, r, { hint: link.hint })
  // A C header the toolchain lacks: a system library the user must provide (gopacket's pcap.h).
  const header = build ? missingHeaderNote(stderr) : null
  if (header) return new ToolError(code, `${message}\n${header.detail}`, r, { hint: header.hint })
  const old = TOO_OLD.exec(stderr)
  if (old)
    return new ToolError(ErrorCode.GO_VERSION, message, r, {
      hint:
        `the module needs Go ${old[1]} and go ${old[2]} ran (GOTOOLCHAIN=${old[3]}): ` +
        hint('go-version', { version: old[1]! }),
    })
  if (DENIED.test(stderr))
    return new ToolError(code, message, r, {
      hint: `the module server refused the request: give the build its credentials with ${hint('private-modules')}`,
    })
  if (code !== ErrorCode.TOOL_FAILED || !/\bmod download\b/.test(r.cmd.join(' ')))
    return new ToolError(code, message, r)
  return new ToolError(code, message, r, { hint: modDownloadHint(stderr) })
}

/** A go.mod mistake during a download is not a network problem. */
function modDownloadHint(stderr: string): string {
  if (/errors parsing go\.mod|go\.mod:\d+:.*(syntax error|unknown directive|invalid|malformed)/.test(stderr))
    return 'go.mod has a mistake at the line go names; fix it there (`go mod edit -fmt` checks the syntax)'
  if (/\(replaced by [^)]+\): reading .*: no such file or directory/.test(stderr))
    return 'a replace directive in go.mod points at a folder that does not exist; fix the path or remove the replace'
  if (/no modules specified|go\.mod file not found|cannot find main module/.test(stderr))
    return 'run gostatic on the folder holding go.mod (source must be the module root)'
  return 'check GOPROXY and network access, or vendor the modules (.mod("vendor") or a workspace\'s .vendor())'
}
