// Finds the credentials for a registry: explicit options first, then the
// docker config (and its helpers). Called only when a registry asks for them.
import { join } from 'node:path'
import { DEFAULT_REGISTRY } from '../spec/image-ref.js'
import { helperCredentials } from './credential-helper.js'
import { configKeyHost, credentialSource, dockerConfigDir, readDockerConfig } from './docker-config.js'
import type { RegistryCredentials, RegistryOptions } from './registry-options.js'

export interface FoundCredentials {
  readonly credentials: RegistryCredentials
  /** Where they came from, for error messages: 'registryAuth', '/root/.docker/config.json', 'docker-credential-pass'. */
  readonly from: string
}

export async function findCredentials(registry: string, opts: RegistryOptions): Promise<FoundCredentials | undefined> {
  const explicit = opts.registryAuth?.[registry] ?? Object.entries(opts.registryAuth ?? {}).find(([k]) => sameRegistry(k, registry))?.[1]
  if (explicit) return { credentials: explicit, from: 'registryAuth' }
  const env = opts.env ?? process.env
  const dir = opts.dockerConfig ?? dockerConfigDir(env)
  const file = join(dir, 'config.json')
  const src = credentialSource(await readDockerConfig(dir), registry, file)
  if (src.kind === 'inline') return { credentials: src.credentials, from: file }
  if (src.kind === 'helper') {
    const credentials = await helperCredentials(src.helper, src.serverUrl, env)
    return credentials ? { credentials, from: `docker-credential-${src.helper} (named in ${file})` } : undefined
  }
  return undefined
}

function sameRegistry(key: string, registry: string): boolean {
  const a = configKeyHost(key)
  const b = configKeyHost(registry)
  return a === b || (a === DEFAULT_REGISTRY && b === DEFAULT_REGISTRY)
}
