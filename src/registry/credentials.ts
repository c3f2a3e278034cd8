// Finds the credentials for a registry, first source that has some wins:
//   1. the API's registryAuth;
//   2. $REGISTRY_AUTH_FILE (podman, skopeo, buildah);
//   3. $XDG_RUNTIME_DIR/containers/auth.json (where `podman login` writes);
//   4. $DOCKER_CONFIG/config.json, else ~/.docker/config.json (`docker login`),
// each file read for credHelpers, then auths, then credsStore, as docker does.
// Called only when a registry asks for credentials.
import { join } from 'node:path'
import { DEFAULT_REGISTRY } from '../spec/image-ref.js'
import { helperCredentials } from './credential-helper.js'
import { configKeyHost, credentialSource, dockerConfigDir, readAuthFile } from './docker-config.js'
import type { RegistryCredentials, RegistryOptions } from './registry-options.js'

export interface FoundCredentials {
  readonly credentials: RegistryCredentials
  /**
   * Where they came from, for error messages: 'registryAuth', '/root/.docker/config.json', 'docker-credential-pass'.
   */
  readonly from: string
}

/** The credential files in the order they are asked, with how each is read. */
export function authFiles(opts: RegistryOptions): { path: string; docker: boolean }[] {
  const env = opts.env ?? process.env
  const files: { path: string; docker: boolean }[] = []
  if (env['REGISTRY_AUTH_FILE']) files.push({ path: env['REGISTRY_AUTH_FILE'], docker: false })
  const xdg = env['XDG_RUNTIME_DIR']
  if (xdg) files.push({ path: join(xdg, 'containers', 'auth.json'), docker: false })
  files.push({ path: join(opts.dockerConfig ?? dockerConfigDir(env), 'config.json'), docker: true })
  return files
}

export async function findCredentials(registry: string, opts: RegistryOptions): Promise<FoundCredentials | undefined> {
  const auth = opts.registryAuth ?? {}
  const explicit = auth[registry] ?? Object.entries(auth).find(([k]) => sameRegistry(k, registry))?.[1]
  if (explicit) return { credentials: explicit, from: 'registryAuth' }
  const env = opts.env ?? process.env
  for (const f of authFiles(opts)) {
    const cfg = f.docker
      ? await readAuthFile(f.path, 'docker config', 'or point DOCKER_CONFIG at another folder')
      : await readAuthFile(f.path, 'registry auth file', 'or point REGISTRY_AUTH_FILE elsewhere')
    const src = credentialSource(cfg, registry, f.path)
    if (src.kind === 'inline') return { credentials: src.credentials, from: f.path }
    if (src.kind === 'helper') {
      const credentials = await helperCredentials(src.helper, src.serverUrl, env)
      if (credentials) return { credentials, from: `docker-credential-${src.helper} (named in ${f.path})` }
    }
  }
  return undefined
}

function sameRegistry(key: string, registry: string): boolean {
  const a = configKeyHost(key)
  const b = configKeyHost(registry)
  return a === b || (a === DEFAULT_REGISTRY && b === DEFAULT_REGISTRY)
}
