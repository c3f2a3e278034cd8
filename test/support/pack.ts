// gostatic as a user gets it: `npm pack` from a clean checkout (so the
// prepare script must build dist/), then the tarball installed into fresh
// consumer projects. npm takes what it can from its cache.
import { execFile, execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

const repo = resolve(import.meta.dirname, '../..')

/** The environment for nested npm runs: none of the `npm test` run's own npm_* variables. */
export function npmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const keep = (k: string) => !k.startsWith('npm_') || /^npm_config_(cache|registry|userconfig)$/.test(k)
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => keep(k)))
  return { ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra }
}

export function npm(cwd: string, args: readonly string[]): string {
  return execFileSync('npm', args, { cwd, env: npmEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Packs a working tree's files (tracked and new, not ignored) as a fresh checkout would; returns the .tgz path. */
export function packCheckout(tmp: string, from = repo): string {
  const checkout = mkdtempSync(join(tmp, 'checkout-'))
  const listed = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: from, encoding: 'utf8' })
  const files = listed.split('\0').filter(Boolean)
  for (const f of files) {
    mkdirSync(dirname(join(checkout, f)), { recursive: true })
    cpSync(join(from, f), join(checkout, f))
  }
  // The build tools (tsc) come from the tree's install; the checkout has no dist/ of its own.
  symlinkSync(join(from, 'node_modules'), join(checkout, 'node_modules'))
  const out = npm(checkout, ['pack', '--pack-destination', tmp, '--json'])
  const [{ filename }] = JSON.parse(out) as [{ filename: string }]
  return join(tmp, filename)
}

/** A new project with this package.json (no "type" unless given) and these packages installed. */
export function consumerProject(dir: string, pkg: Record<string, unknown>, installs: readonly string[]): string {
  mkdirSync(dir, { recursive: true })
  const manifest = { name: 'consumer', version: '1.0.0', private: true, ...pkg }
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2))
  // --prefer-offline: packages npm has cached come from the cache; only what it lacks is fetched.
  npm(dir, ['install', '--prefer-offline', '--no-audit', '--no-fund', ...installs])
  return dir
}

/** Runs a command in a consumer project; resolves with its exit code and output, whatever the code. */
export type RunResult = { exitCode: number; stdout: string; stderr: string }

export function runIn(cwd: string, cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((res, rej) => {
    execFile(cmd, args, { cwd, env: npmEnv(env), timeout: 240_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') rej(err)
      else res({ exitCode: err ? (err.code as number) : 0, stdout, stderr })
    })
  })
}
