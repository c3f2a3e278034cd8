// Build secrets for the host's go processes (local engine builds and the
// workspace's own go commands): an env secret becomes a variable of the
// go process only (never of the image); a .netrc secret is written 0600 into
// the build's private work folder and handed to go with NETRC. Other file
// targets name paths inside a builder container, which a host build has not.
import { mkdir, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { ErrorCode, GostaticError } from '../errors.js'
import type { Secret } from '../spec/service-spec.js'
import { secretValue } from './secret-value.js'
import { hint } from '../hints.js'

export async function hostSecretEnv(
  secrets: readonly Secret[],
  hostEnv: NodeJS.ProcessEnv,
  work: string,
): Promise<Record<string, string>> {
  const env: Record<string, string> = {}
  for (const s of secrets) {
    const value = secretValue(s.id, s.from, hostEnv)
    if ('env' in s.as) {
      env[s.as.env] = value
      continue
    }
    if (basename(s.as.file) !== '.netrc')
      throw new GostaticError(
        ErrorCode.UNSUPPORTED,
        `secret '${s.id}': the local engine cannot mount a file at ` +
          `${s.as.file}; it passes secrets as environment variables or a .netrc`,
        {
          hint:
            "use as: { env: 'NAME' } or as: { file: '/root/.netrc' }, or build with " +
            hint('engine', { engine: 'dagger' }),
        },
      )
    const dir = join(work, 'secrets', s.id)
    await mkdir(dir, { recursive: true, mode: 0o700 })
    const path = join(dir, '.netrc')
    await writeFile(path, value, { mode: 0o600 })
    env['NETRC'] = path
  }
  return env
}
