// A registry that has the OCI 1.1 referrers API (test/fixtures/referrers-registry:
// go-containerregistry's registry, pinned in its go.mod), built with the host's
// Go into the test's folder and run on a free loopback port. Stopped by close().
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { execOk } from './runtime.js'

const SOURCE = resolve('test/fixtures/referrers-registry')

export interface RunningRegistry {
  /** '127.0.0.1:PORT' */
  readonly address: string
  close(): Promise<void>
}

export async function startReferrersRegistry(dir: string): Promise<RunningRegistry> {
  const bin = join(dir, 'referrers-registry')
  await execOk('go', ['-C', SOURCE, 'build', '-o', bin, '.'], { env: { ...process.env, CGO_ENABLED: '0' }, timeoutMs: 300_000 })
  const p = spawn(bin, [], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<void>((res) => p.once('exit', () => res()))
  const address = await new Promise<string>((res, rej) => {
    const lines = createInterface({ input: p.stdout! })
    lines.once('line', (l) => res(l.trim()))
    p.once('exit', (code) => rej(new Error(`referrers registry exited with ${code} before it listened`)))
  })
  return {
    address,
    close: async () => {
      p.kill()
      await exited
    },
  }
}
