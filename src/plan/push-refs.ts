// Where `gostatic build --push` and `gostatic resolve` send an image: the
// rule, pure (the CLI reads the environment, config and git, and passes them in).
// `--push <ref>` names the repository itself; `--push` alone takes the default
// repository and appends `/<service>`, as ko appends a name to KO_DOCKER_REPO.
import { ErrorCode, GostaticError } from '../errors.js'
import { parseImageRef } from '../spec/image-ref.js'

/** The default repository and where it was read from, for messages. */
export interface DefaultRepo {
  readonly repo: string
  readonly from: string
}

/**
 * GOSTATIC_REPO wins, then the config's `repo`, then KO_DOCKER_REPO (so a ko user's
 * shell works unchanged). ko's special values (ko.local, kind.local) load rather than
 * push: they are refused with the gostatic way to do that.
 */
export function defaultRepo(
  env: Readonly<Record<string, string | undefined>>,
  config: { repo: string; file: string } | undefined,
): DefaultRepo | undefined {
  const pick: DefaultRepo | undefined = nonEmpty(env['GOSTATIC_REPO'])
    ? { repo: env['GOSTATIC_REPO']!.trim(), from: 'GOSTATIC_REPO' }
    : config
      ? { repo: config.repo, from: `repo in ${config.file}` }
      : nonEmpty(env['KO_DOCKER_REPO'])
        ? { repo: env['KO_DOCKER_REPO']!.trim(), from: 'KO_DOCKER_REPO' }
        : undefined
  if (pick === undefined) return undefined
  const repo = pick.repo.replace(/\/+$/, '')
  if (/^(ko|kind)\.local(\/|$)/.test(repo))
    throw new GostaticError(
      ErrorCode.INVALID_REFERENCE,
      `${pick.from}=${pick.repo} is ko's name for the local daemon`,
      {
        hint: 'gostatic builds into the Docker daemon with --load; set GOSTATIC_REPO to a registry to push',
      },
    )
  const r = parseImageRef(`${repo}/x`)
  if (!r.ok || repo.includes('@') || /:[^/]*$/.test(repo.slice(repo.indexOf('/') + 1)))
    throw new GostaticError(ErrorCode.INVALID_REFERENCE, `${pick.from}: '${pick.repo}' is not a repository`, {
      hint: "a repository looks like '127.0.0.1:5000/team' or 'ghcr.io/org' (no tag, no digest)",
    })
  return { repo, from: pick.from }
}

export interface PushInput {
  /** `--push <ref>` (may hold {name}), `true` for `--push` alone, undefined for no push. */
  readonly push: string | true | undefined
  /** `--tag` values as given; empty means `latest`. 'git' is the short commit. */
  readonly tags: readonly string[]
  readonly repo: DefaultRepo | undefined
  readonly service: string
  /** The service's short commit, or null when its source is not in a git checkout. */
  readonly gitShort: string | null
}

const TAG = /^[\w][\w.-]{0,127}$/

/** Every reference to push the service to (one per tag), checked; [] when there is no push. */
export function pushRefs(p: PushInput): string[] {
  if (p.push === undefined) {
    if (p.tags.length > 0)
      throw new GostaticError(ErrorCode.INVALID_CONFIG, `--tag ${p.tags.join(',')} names pushed tags; give --push too`)
    return []
  }
  const base = p.push === true ? repoFor(p) : p.push.replaceAll('{name}', p.service)
  const parsed = parseImageRef(base)
  if (!parsed.ok) throw badRef(p.push === true ? base : p.push, parsed.reason)
  if (parsed.ref.digest !== undefined)
    throw new GostaticError(
      ErrorCode.INVALID_REFERENCE,
      `--push ${base} has a digest; push to a tag (the registry computes the digest)`,
    )
  const givenTag = /:[\w][\w.-]*$/.test(base.slice(base.lastIndexOf('/') + 1))
  if (givenTag && p.tags.length > 0)
    throw new GostaticError(
      ErrorCode.INVALID_CONFIG,
      `--push ${base} has a tag and --tag gives ${p.tags.join(',')}; give the tag once`,
      {
        hint: 'drop the tag from --push, or drop --tag',
      },
    )
  if (givenTag) return [base]
  const tags = p.tags.length === 0 ? ['latest'] : p.tags
  return [...new Set(tags.map((t) => tagValue(t, p)))].map((t) => `${base}:${t}`)
}

function repoFor(p: PushInput): string {
  if (p.repo === undefined)
    throw new GostaticError(ErrorCode.INVALID_CONFIG, '--push without a reference needs a default repository', {
      hint:
        'set GOSTATIC_REPO (e.g. GOSTATIC_REPO=127.0.0.1:5000/team), repo in gostatic.config.ts, ' +
        'or give --push <ref>',
    })
  return `${p.repo.repo}/${p.service}`
}

function tagValue(t: string, p: PushInput): string {
  if (t === 'git') {
    if (p.gitShort === null)
      throw new GostaticError(
        ErrorCode.INVALID_CONFIG,
        `--tag git: the source of service '${p.service}' is not in a git checkout`,
        {
          hint: 'commit it to git, or give the tag itself: --tag v1.2.3',
        },
      )
    return p.gitShort
  }
  if (!TAG.test(t))
    throw new GostaticError(
      ErrorCode.INVALID_REFERENCE,
      `--tag '${t}' is not a tag; tags are letters, digits, _ . and - (128 at most)`,
    )
  return t
}

function badRef(ref: string, reason: string): GostaticError {
  return new GostaticError(ErrorCode.INVALID_REFERENCE, `--push ${ref}: ${reason}`, {
    hint: "a reference looks like '127.0.0.1:5000/team/hello:1.0' (registry[:port]/repository[:tag])",
  })
}

/** `registry/repo:tag@sha256:…` as publish returns it, as `registry/repo@sha256:…` (an --image-refs line). */
export function digestRef(pushed: string): string {
  const at = pushed.indexOf('@')
  const name = pushed.slice(0, at)
  const slash = name.lastIndexOf('/')
  const colon = name.indexOf(':', slash)
  return `${colon === -1 ? name : name.slice(0, colon)}${pushed.slice(at)}`
}

function nonEmpty(v: string | undefined): boolean {
  return v !== undefined && v.trim() !== ''
}

/** The tag that names a version for the org.opencontainers.image.version label: the first but latest and git. */
export function tagVersion(tags: readonly string[]): string | undefined {
  return tags.find((t) => t !== 'latest' && t !== 'git')
}
