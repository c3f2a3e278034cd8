// Options shared by everything that talks to a registry: pulling a base,
// publishing an image. Credentials are looked up only when a registry asks.
import type { RegistryNetworkOptions } from './network-options.js'

/** Credentials for one registry. */
export type RegistryCredentials =
  | { readonly username: string; readonly password: string }
  /** An OAuth2 refresh token, as `docker login` stores for some registries. */
  | { readonly identityToken: string }
  /** A bearer token sent as it is. */
  | { readonly registryToken: string }

export interface RegistryOptions extends RegistryNetworkOptions {
  /**
   * Credentials per registry host as written in references ('docker.io',
   * 'ghcr.io', '127.0.0.1:5001'). They win over the docker config.
   */
  registryAuth?: Readonly<Record<string, RegistryCredentials>>
  /** Folder holding docker's config.json (default: $DOCKER_CONFIG, else ~/.docker). */
  dockerConfig?: string
  /**
   * Environment for the proxy variables, REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, DOCKER_CONFIG, HOME and
   * credential helpers (default process.env).
   */
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
}

/** What a push did with one blob or manifest; tests and progress output read it. */
export type PushProgress =
  | {
      readonly kind: 'blob'
      readonly digest: string
      readonly size: number
      readonly action: 'exists' | 'mounted' | 'uploaded'
      readonly from?: string
    }
  | { readonly kind: 'manifest'; readonly digest: string; readonly reference: string }

export interface PublishOptions extends RegistryOptions {
  /** Upload blobs in PATCH chunks of this many bytes (default: one PUT per blob). */
  chunkSize?: number
  onProgress?: (e: PushProgress) => void
}

/** Whether a build re-resolves a base image's tag: 'missing' uses the tag recorded in the cache when there is one. */
export type PullPolicy = 'missing' | 'always'
