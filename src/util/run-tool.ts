// Runs one external tool without a shell and collects its output.
import { spawn } from 'node:child_process'
import { delimiter, join } from 'node:path'
import { accessSync, constants, statSync } from 'node:fs'
import { ErrorCode, GostaticError } from '../errors.js'
import { hint } from '../hints.js'

export interface ToolRun {
  readonly cmd: readonly string[]
  readonly exitCode: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

export interface RunOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
  timeoutMs?: number
}

export function runTool(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(cancelled(cmd))
    // Its own process group, so cancelling reaches the tool's children too (go
    // runs compile and link as children), as Ctrl-C in a terminal would.
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs,
      detached: true,
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    let aborted = false
    let killer: NodeJS.Timeout | undefined
    const group = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig)
      } catch {
        // already gone
      }
    }
    // SIGINT first: go cleans up its work folder on it. SIGKILL if it lingers.
    const onAbort = () => {
      aborted = true
      group('SIGINT')
      killer = setTimeout(() => group('SIGKILL'), 5000)
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', (e: NodeJS.ErrnoException) => {
      opts.signal?.removeEventListener('abort', onAbort)
      // spawn says ENOENT for a missing working folder too, and ENOTDIR for a file: not a missing tool.
      const cwd = opts.cwd === undefined ? undefined : folderProblem(opts.cwd)
      if (cwd !== undefined && (e.code === 'ENOENT' || e.code === 'ENOTDIR'))
        reject(
          new GostaticError(ErrorCode.INPUT_NOT_FOUND, `cannot run ${cmd} in ${opts.cwd}: ${cwd}`, {
            hint: hint('module-folder'),
          }),
        )
      else if (e.code === 'ENOENT')
        reject(
          new GostaticError(ErrorCode.TOOL_MISSING, `${cmd} is not installed or not on PATH`, {
            hint: `install ${cmd}`,
          }),
        )
      else reject(new GostaticError(ErrorCode.TOOL_FAILED, `cannot run ${cmd}: ${e.message}`, { cause: e }))
    })
    child.on('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', onAbort)
      if (killer) clearTimeout(killer)
      if (aborted) return reject(cancelled(cmd))
      resolve({
        cmd: [cmd, ...args],
        exitCode: code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      })
    })
  })
}

/** Why `dir` cannot be a working folder, or undefined when it can. */
function folderProblem(dir: string): string | undefined {
  try {
    return statSync(dir).isDirectory() ? undefined : 'it is a file, not a folder'
  } catch {
    return 'the folder does not exist'
  }
}

function cancelled(cmd: string): GostaticError {
  return new GostaticError(ErrorCode.CANCELLED, `${cmd} was cancelled`)
}

/** The absolute path of an executable on PATH, or undefined. */
export function which(cmd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue
    const p = join(dir, cmd)
    try {
      accessSync(p, constants.X_OK)
      return p
    } catch {
      // not here
    }
  }
  return undefined
}
