// The Dagger SDK is an optional peer dependency: local-only users never
// install its ~150 packages. It loads only when the Dagger engine runs, and
// its absence is an error that names the package and how to install it.
import { createRequire } from 'node:module'
import { ErrorCode, GostaticError } from '../../errors.js'
import { hint } from '../../hints.js'

export const DAGGER_SDK = '@dagger.io/dagger'

/** Whether the SDK resolves from here, without loading it. */
export function daggerSdkInstalled(): boolean {
  try {
    import.meta.resolve(DAGGER_SDK)
    return true
  } catch {
    return false
  }
}

export function missingDaggerSdk(): GostaticError {
  type Manifest = { peerDependencies?: Record<string, string> }
  const range = (createRequire(import.meta.url)('../../../package.json') as Manifest).peerDependencies?.[DAGGER_SDK]
  const message =
    `engine 'dagger' needs the Dagger SDK, ${DAGGER_SDK}, an optional peer dependency that is not ` + `installed`
  return new GostaticError(ErrorCode.ENGINE_UNAVAILABLE, message, {
    hint: `npm install ${DAGGER_SDK}${range ? `@'${range}'` : ''}, or use ${hint('engine', { engine: 'local' })}`,
  })
}

/** The Dagger engine module, with its SDK; a GostaticError when the SDK is missing. */
export async function loadDaggerEngine(): Promise<typeof import('./dagger-engine.js')> {
  if (!daggerSdkInstalled()) throw missingDaggerSdk()
  try {
    return await import('./dagger-engine.js')
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown }
    const sdkMissing = /MODULE_NOT_FOUND/.test(String(err.code)) && String(err.message).includes(`'${DAGGER_SDK}'`)
    if (sdkMissing) throw missingDaggerSdk()
    throw e
  }
}
