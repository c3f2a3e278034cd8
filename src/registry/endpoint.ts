// Where a registry named in a reference is reached, and over what. Plain HTTP
// only for loopback: anything else could be read or changed on the way.
import { DEFAULT_REGISTRY, DOCKER_HUB_API_HOST } from '../spec/image-ref.js'

/** The hostname of `registry` ('127.0.0.1:5000' → '127.0.0.1', '[::1]:5000' → '[::1]'), lowercased. */
export function registryHostname(registry: string): string {
  try {
    return new URL(`http://${registry}`).hostname
  } catch {
    return registry.toLowerCase()
  }
}

/** localhost, 127.0.0.0/8 and ::1: the registries we talk to over plain HTTP. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registryHostname(registry)
  if (host === 'localhost' || host === '[::1]') return true
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)
  return m !== null && m[1] === '127' && m.slice(1).every((o) => Number(o) <= 255)
}

/** Base URL of the registry's API, e.g. 'https://registry-1.docker.io' or 'http://127.0.0.1:5000'. */
export function registryBaseUrl(registry: string): string {
  if (registry === DEFAULT_REGISTRY) return `https://${DOCKER_HUB_API_HOST}`
  return `${isLoopbackRegistry(registry) ? 'http' : 'https'}://${registry}`
}

/** Whether sending credentials to `url` is safe: https, or plain HTTP to a loopback host. */
export function safeForCredentials(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackRegistry(url.host))
}
