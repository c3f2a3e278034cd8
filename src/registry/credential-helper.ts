// Runs `docker-credential-<name> get`, the protocol docker's credential
// helpers speak: the server URL on stdin, JSON {Username, Secret} on stdout.
import { spawn } from 'node:child_process'
import { ErrorCode, GostaticError } from '../errors.js'
import { rememberSecret } from '../secret-mask.js'
import type { RegistryCredentials } from './registry-options.js'

/** The helper's credentials, or undefined when it has none for this server. */
export function helperCredentials(
  helper: string,
  serverUrl: string,
  env: NodeJS.ProcessEnv,
): Promise<RegistryCredentials | undefined> {
  const cmd = `docker-credential-${helper}`
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, ['get'], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new GostaticError(
              ErrorCode.REGISTRY_AUTH,
              `docker config names credential helper '${helper}' for ${serverUrl}, but ${cmd} is not on PATH`,
              { hint: `install ${cmd}, or remove it from config.json` },
            )
          : e,
      ),
    )
    child.stdin.on('error', () => undefined) // a helper that exits without reading stdin
    child.stdin.end(serverUrl)
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8').trim()
      const stderr = Buffer.concat(err).toString('utf8').trim()
      // Helpers print this (exit 1) when they hold nothing for the server.
      if (code !== 0 && /credentials not found/i.test(stdout + stderr)) return resolve(undefined)
      if (code !== 0) {
        // What it printed is quoted only when it is not a JSON answer, which would hold the credentials.
        const said = stderr || (stdout.startsWith('{') ? '(its output is not shown: it may hold credentials)' : stdout)
        const hint = `check that ${cmd} works: echo ${serverUrl} | ${cmd} get`
        const message = `${cmd} get failed for ${serverUrl} (exit ${code}): ${said}`
        return reject(new GostaticError(ErrorCode.REGISTRY_AUTH, message, { hint }))
      }
      try {
        const r = JSON.parse(stdout) as { Username?: string; Secret?: string }
        if (!r.Secret) return resolve(undefined)
        rememberSecret(r.Secret)
        // docker's convention: Username "<token>" marks Secret as an identity token.
        resolve(
          r.Username === '<token>' ? { identityToken: r.Secret } : { username: r.Username ?? '', password: r.Secret },
        )
      } catch {
        reject(
          new GostaticError(ErrorCode.REGISTRY_AUTH, `${cmd} get printed something that is not JSON for ${serverUrl}`),
        )
      }
    })
  })
}
