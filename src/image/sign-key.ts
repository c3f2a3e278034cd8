// Where a signing key comes from: `sign.key` is a path, a PEM string, or
// `env://NAME` (cosign's syntax) for a variable holding the PEM. The password
// of an encrypted key is `sign.password`, else COSIGN_PASSWORD. Read once,
// when the build starts, so a bad key fails before any compile.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { ErrorCode, GostaticError } from '../errors.js'
import { rememberSecret } from '../secret-mask.js'
import { parsePrivateKey } from '../attest/private-key.js'
import { ecdsaSigner, type Signer } from '../attest/signer.js'
import { hint } from '../hints.js'

export interface SignOptions {
  /**
   * A path to the key file, a PEM string, or 'env://NAME'. ECDSA P-256 (PKCS#8 PEM) or cosign's encrypted cosign.key.
   */
  key: string
  /** Password of an encrypted key (default: $COSIGN_PASSWORD). */
  password?: string
}

export function loadSigner(opts: SignOptions, env: NodeJS.ProcessEnv): Signer {
  const key: unknown = opts?.key
  if (typeof key !== 'string' || key === '')
    throw new GostaticError(
      ErrorCode.INVALID_CONFIG,
      'sign.key must be a key file path, a PEM string or ' + "'env://NAME'",
      { hint: `e.g. ${hint('sign-key')}` },
    )
  const { pem, source } = keyText(key, env)
  // No error may quote the key or its password (secret-mask.ts).
  rememberSecret(pem)
  const password = () => {
    const p = opts.password ?? env['COSIGN_PASSWORD']
    if (p !== undefined) rememberSecret(p)
    return p
  }
  return ecdsaSigner(parsePrivateKey(pem, source, password), source)
}

function keyText(key: string, env: NodeJS.ProcessEnv): { pem: string; source: string } {
  if (key.includes('-----BEGIN')) return { pem: key, source: 'a PEM string' }
  if (key.startsWith('env://')) {
    const name = key.slice('env://'.length)
    const v = env[name]
    if (v === undefined || v === '')
      throw new GostaticError(ErrorCode.SIGNING_KEY, `sign.key ${key}: environment variable ${name} is not set`, {
        hint: `export ${name}="$(cat cosign.key)"`,
      })
    return { pem: v, source: `env ${name}` }
  }
  const path = resolve(key.replace(/^~(?=\/)/, env['HOME'] ?? '~'))
  try {
    return { pem: readFileSync(path, 'utf8'), source: `file ${key}` }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message
    throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `sign.key: cannot read the key file ${path}: ${why}`, {
      hint: 'give the path of a PEM key (cosign generate-key-pair writes cosign.key), a PEM string, or env://NAME',
    })
  }
}
