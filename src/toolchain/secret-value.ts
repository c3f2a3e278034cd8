// Reads a build secret's value on the host, where the spec says it lives.
import { readFileSync } from 'node:fs'
import { ErrorCode, GostaticError } from '../errors.js'
import { rememberSecret } from '../secret-mask.js'

/** The value, remembered so that no error message can quote it (secret-mask.ts). */
export function secretValue(id: string, from: { env: string } | { file: string }, env: NodeJS.ProcessEnv): string {
  const value = readSecret(id, from, env)
  rememberSecret(value)
  return value
}

function readSecret(id: string, from: { env: string } | { file: string }, env: NodeJS.ProcessEnv): string {
  if ('env' in from) {
    const v = env[from.env]
    if (v === undefined)
      throw new GostaticError(ErrorCode.INVALID_CONFIG, `secret '${id}': environment variable ${from.env} is not set`, {
        hint: `export ${from.env}=... before building`,
      })
    return v
  }
  try {
    return readFileSync(from.file.replace(/^~(?=\/)/, env['HOME'] ?? '~'), 'utf8')
  } catch {
    throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `secret '${id}': cannot read ${from.file}`)
  }
}
