// A parser for image references that follows the distribution reference
// grammar (distribution/reference, reference.go): the default registry, the
// `library/` prefix for official images, a port in the host, a tag and a digest.

const alnum = '[a-z0-9]+'
const separator = '(?:[._]|__|[-]+)'
const pathComponent = `${alnum}(?:${separator}${alnum})*`
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]'
const domainName = `${domainComponent}(?:\\.${domainComponent})*`
const host = `(?:${domainName}|${ipv6})`
const domain = `${host}(?::[0-9]+)?`
const tag = '[\\w][\\w.-]{0,127}'
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'
const name = `(?:(${domain})/)?(${pathComponent}(?:/${pathComponent})*)`
const referenceRe = new RegExp(`^${name}(?::(${tag}))?(?:@(${digest}))?$`)

export const DEFAULT_REGISTRY = 'docker.io'
/** The host Docker actually talks to for docker.io. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io'
const NAME_TOTAL_LENGTH_MAX = 255
// go-digest accepts only registered algorithms, each with its own hex length.
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 }

export interface ImageRef {
  /** Registry host, with port if any; `docker.io` when the reference names none. */
  readonly registry: string
  /** Repository path, with `library/` added for Docker Hub official images. */
  readonly repository: string
  readonly tag: string | undefined
  readonly digest: string | undefined
  /** Canonical form: registry/repository[:tag][@digest], `latest` when neither is given. */
  readonly canonical: string
}

export type ParseRefResult = { ok: true; ref: ImageRef } | { ok: false; reason: string }

export function parseImageRef(input: string): ParseRefResult {
  if (input.length === 0) return { ok: false, reason: 'the reference is empty' }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(input)?.[1]
  if (scheme !== undefined)
    return {
      ok: false,
      reason: `a reference has no scheme; drop '${scheme}://' (plain HTTP is used for loopback registries)`,
    }
  // ParseNormalizedNamed refuses a bare image ID, which would otherwise read as a repository name.
  if (/^[a-f0-9]{64}$/.test(input))
    return { ok: false, reason: 'a 64-character hex string is an image ID, not a repository name' }
  const m = referenceRe.exec(input)
  if (!m) {
    if (/[A-Z]/.test(input) && referenceRe.test(input.toLowerCase()))
      return { ok: false, reason: 'repository names must be lowercase' }
    return { ok: false, reason: 'not a valid image reference (expected [registry[:port]/]name[:tag][@digest])' }
  }
  const [, rawDomain, rawPath, t, d] = m
  let registry: string
  let repository: string
  // Like splitDockerDomain: the first component is a registry only when it
  // looks like a host (has a dot or a port, or is localhost); otherwise it is
  // part of the path on Docker Hub.
  if (
    rawDomain !== undefined &&
    (rawDomain.includes('.') ||
      rawDomain.includes(':') ||
      rawDomain === 'localhost' ||
      rawDomain !== rawDomain.toLowerCase())
  ) {
    registry = rawDomain
    repository = rawPath!
  } else {
    registry = DEFAULT_REGISTRY
    repository = rawDomain !== undefined ? `${rawDomain}/${rawPath}` : rawPath!
    if (!/^[a-z0-9._/-]+$/.test(repository)) return { ok: false, reason: 'repository names must be lowercase' }
  }
  const port = /:(\d+)$/.exec(registry)?.[1]
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
    return { ok: false, reason: `registry port ${port} is out of range; ports are 1 to 65535` }
  if (registry === 'index.docker.io') registry = DEFAULT_REGISTRY
  if (registry === DEFAULT_REGISTRY && !repository.includes('/')) repository = `library/${repository}`
  // The limit applies to the normalized name with its domain (Parse(domain + "/" + remainder)).
  if (`${registry}/${repository}`.length > NAME_TOTAL_LENGTH_MAX)
    return {
      ok: false,
      reason: `repository name must not exceed ${NAME_TOTAL_LENGTH_MAX} characters (with its registry)`,
    }
  if (d !== undefined) {
    const [alg, hex] = d.split(':') as [string, string]
    const want = DIGEST_HEX_LENGTH[alg]
    if (want === undefined)
      return { ok: false, reason: `invalid digest ${d}: unsupported algorithm ${alg} (sha256, sha384 or sha512)` }
    if (!new RegExp(`^[0-9a-f]{${want}}$`).test(hex))
      return { ok: false, reason: `invalid digest ${d}: ${alg} takes ${want} lowercase hex digits` }
  }
  const canonical =
    `${registry}/${repository}${t !== undefined ? `:${t}` : d === undefined ? ':latest' : ''}` +
    `${d !== undefined ? `@${d}` : ''}`
  return {
    ok: true,
    ref: { registry, repository, tag: t ?? (d === undefined ? 'latest' : undefined), digest: d, canonical },
  }
}

/** Short familiar form for messages: drops `docker.io/library/`. */
export function familiarName(ref: ImageRef): string {
  const repo =
    ref.registry === DEFAULT_REGISTRY ? ref.repository.replace(/^library\//, '') : `${ref.registry}/${ref.repository}`
  return `${repo}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`
}
