// Reads a signing key: an ECDSA P-256 private key as PKCS#8 (or SEC1) PEM,
// or cosign's own encrypted cosign.key (scrypt + NaCl secretbox, the
// go-securesystemslib format `cosign generate-key-pair` writes). Any other
// key type or curve is refused with the reason.
import { createPrivateKey, scryptSync, type KeyObject } from 'node:crypto'
import { createRequire } from 'node:module'
import type * as Salsa from '@noble/ciphers/salsa.js'
import { ErrorCode, GostaticError } from '../errors.js'
import { hint } from '../hints.js'

const COSIGN_PEM =
  /-----BEGIN ENCRYPTED (SIGSTORE|COSIGN) PRIVATE KEY-----([\s\S]*?)-----END ENCRYPTED \1 PRIVATE KEY-----/
const WANT = 'an ECDSA P-256 private key (PKCS#8 PEM) or a cosign.key from `cosign generate-key-pair`'

/** `password` is asked for only when the key is encrypted. */
export function parsePrivateKey(pem: string, source: string, password: () => string | undefined): KeyObject {
  const cosign = COSIGN_PEM.exec(pem)
  const key = cosign ? decryptCosignKey(cosign[2]!, source, password()) : plainKey(pem, source, password)
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    const what =
      key.asymmetricKeyType === 'ec'
        ? `an EC key on curve ${key.asymmetricKeyDetails?.namedCurve}`
        : `a key of type ${key.asymmetricKeyType}`
    throw new GostaticError(ErrorCode.SIGNING_KEY, `sign.key (${source}) is ${what}; gostatic signs with ${WANT}`, {
      hint:
        'make one with `cosign generate-key-pair` or `openssl genpkey -algorithm EC -pkeyopt ' +
        'ec_paramgen_curve:P-256`',
    })
  }
  return key
}

function plainKey(pem: string, source: string, password: () => string | undefined): KeyObject {
  if (!pem.includes('-----BEGIN'))
    throw new GostaticError(ErrorCode.SIGNING_KEY, `sign.key (${source}) is not a PEM key; expected ${WANT}`)
  const encrypted = pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')
  const passphrase = encrypted ? password() : undefined
  if (encrypted && passphrase === undefined) throw noPassword(source)
  try {
    return createPrivateKey({ key: pem, format: 'pem', ...(passphrase !== undefined ? { passphrase } : {}) })
  } catch (e) {
    const why = encrypted ? 'the password is wrong or the key is damaged' : (e as Error).message
    throw new GostaticError(ErrorCode.SIGNING_KEY, `sign.key (${source}) cannot be read: ${why}`, { cause: e })
  }
}

interface CosignKeyFile {
  kdf: { name: string; params: { N: number; r: number; p: number }; salt: string }
  cipher: { name: string; nonce: string }
  ciphertext: string
}

function decryptCosignKey(body: string, source: string, password: string | undefined): KeyObject {
  if (password === undefined) throw noPassword(source)
  let k: CosignKeyFile
  try {
    k = JSON.parse(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')) as CosignKeyFile
  } catch (e) {
    throw new GostaticError(
      ErrorCode.SIGNING_KEY,
      `sign.key (${source}) is an encrypted cosign key whose body is not valid JSON`,
      { cause: e },
    )
  }
  if (k.kdf?.name !== 'scrypt' || k.cipher?.name !== 'nacl/secretbox')
    throw new GostaticError(
      ErrorCode.SIGNING_KEY,
      `sign.key (${source}) uses ${k.kdf?.name}/${k.cipher?.name}; ` +
        `gostatic reads cosign keys encrypted with scrypt and nacl/secretbox`,
    )
  const { N, r, p } = k.kdf.params
  const secret = scryptSync(password, Buffer.from(k.kdf.salt, 'base64'), 32, {
    N,
    r,
    p,
    maxmem: 256 * N * r + 1024 * 1024,
  })
  const cipher = salsa() // outside the try: a failure to load it is not a wrong password
  let der: Uint8Array
  try {
    der = cipher
      .xsalsa20poly1305(secret, Buffer.from(k.cipher.nonce, 'base64'))
      .decrypt(Buffer.from(k.ciphertext, 'base64'))
  } catch {
    throw new GostaticError(
      ErrorCode.SIGNING_KEY,
      `sign.key (${source}): wrong password for this cosign key (COSIGN_PASSWORD)`,
      { hint: hint('sign-password') },
    )
  }
  return createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' })
}

function noPassword(source: string): GostaticError {
  return new GostaticError(ErrorCode.SIGNING_KEY, `sign.key (${source}) is encrypted and no password was given`, {
    hint: hint('sign-password'),
  })
}

/**
 * Only cosign's encrypted keys need the cipher, so it loads with the first one
 * instead of with `import 'gostatic'`. A synchronous require of the ES module
 * (Node >= 20.19, the package's floor) keeps key loading synchronous.
 */
function salsa(): typeof Salsa {
  try {
    return createRequire(import.meta.url)('@noble/ciphers/salsa.js') as typeof Salsa
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e)
    const message =
      `reading an encrypted cosign key needs @noble/ciphers, which Node ${process.version} could not ` + `load: ${why}`
    throw new GostaticError(ErrorCode.UNSUPPORTED, message, {
      hint: 'use Node 20.19 or newer (require() of ES modules), and reinstall gostatic if the package is missing',
      cause: e,
    })
  }
}
