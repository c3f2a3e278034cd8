// A remote engine (tcp://, kube-pod://) is whatever version its operator
// runs: before any build work, the session's engine version is checked
// against the SDK gostatic drives it with, by plan/dagger-version.ts's rule.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Client } from '@dagger.io/dagger'
import { ErrorCode, GostaticError } from '../../errors.js'
import { daggerVersionMismatch } from '../../plan/dagger-version.js'
import { DAGGER_SDK } from './dagger-sdk.js'

let sdkVersion: string | undefined

/** The installed SDK's version, from its package.json (its exports map hides the file from require). */
export function daggerSdkVersion(): string {
  if (sdkVersion !== undefined) return sdkVersion
  // The entry point is <package>/dist/src/index.js; its package.json is three folders up.
  let dir = dirname(fileURLToPath(import.meta.resolve(DAGGER_SDK)))
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === DAGGER_SDK && typeof pkg.version === 'string') return (sdkVersion = pkg.version)
    } catch {
      // not this folder
    }
  }
  return (sdkVersion = 'unknown')
}

/** Throws ENGINE_VERSION when the session's engine does not match the SDK. */
export async function checkEngineVersion(dag: Client): Promise<void> {
  const engine = await dag.version()
  const sdk = daggerSdkVersion()
  const why = daggerVersionMismatch(engine, sdk)
  if (why === null) return
  const want = sdk.replace(/^(\d+\.\d+).*$/, 'v$1.x')
  throw new GostaticError(ErrorCode.ENGINE_VERSION, `the Dagger engine does not match the SDK: ${why}`, {
    hint: `run a Dagger engine ${want} (the SDK's own is v${sdk}), or install the ${DAGGER_SDK} of the engine`,
  })
}
