// Runs the built gostatic CLI as a user would, collecting its output.
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'

const bin = resolve('bin/gostatic.js')

export interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Kill it after this long (SIGTERM), so a hang fails the test instead of stalling it. */
  timeoutMs?: number
  onSpawn?: (p: ReturnType<typeof spawn>) => void
}

export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliRun> {
  return new Promise((res, rej) => {
    const p = spawn('node', [bin, ...args], {
      cwd: opts.cwd ?? process.cwd(),
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
    })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d) => (stdout += d))
    p.stderr.on('data', (d) => (stderr += d))
    opts.onSpawn?.(p)
    p.on('error', rej)
    p.on('close', (code, signal) => res({ code, signal, stdout, stderr }))
  })
}
