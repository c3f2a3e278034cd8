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

export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; onSpawn?: (p: ReturnType<typeof spawn>) => void } = {}): Promise<CliRun> {
  return new Promise((res) => {
    const p = spawn('node', [bin, ...args], { cwd: opts.cwd ?? process.cwd(), env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d) => (stdout += d))
    p.stderr.on('data', (d) => (stderr += d))
    opts.onSpawn?.(p)
    p.on('close', (code, signal) => res({ code, signal, stdout, stderr }))
  })
}
