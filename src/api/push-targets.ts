// The references each service is pushed to, worked out before anything is
// built: the environment, the config's repo and the source's git commit are
// read here, and the rule (src/plan/push-refs.ts) decides.
import { ErrorCode, GostaticError } from '../errors.js'
import type { GoService } from '../builder/go-service.js'
import { sourceOf } from '../builder/source-of.js'
import { defaultRepo, digestRef, pushRefs, tagVersion } from '../plan/push-refs.js'
import { gitSource } from '../toolchain/git-source.js'
import { writeAtomic } from '../util/atomic-write.js'
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'

/** Hex digits of the commit that `--tag git` takes: Go's pseudo-versions use 12 too. */
export const GIT_TAG_DIGITS = 12

export interface PushFlags {
  readonly push: string | true | undefined
  readonly tag: readonly string[]
}

/** Each service's references, in the services' order; empty lists when there is no push. */
export async function pushTargets(
  flags: PushFlags,
  services: readonly GoService[],
  configRepo: { repo: string; file: string } | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  // One explicit reference can't name several images: each service gets {name} filled in.
  if (typeof flags.push === 'string' && services.length > 1 && !flags.push.includes('{name}'))
    throw new GostaticError(
      ErrorCode.USAGE,
      `--push ${flags.push} would publish ${services.length} services to one reference`,
      {
        hint:
          'put {name} in it, e.g. --push 127.0.0.1:5000/team/{name}:1.0, ' +
          'or give --push alone with GOSTATIC_REPO set',
      },
    )
  const repo = flags.push === true ? defaultRepo(env, configRepo) : undefined
  const wantsGit = flags.tag.includes('git')
  for (const s of services) {
    const src = wantsGit ? sourceOf(s) : undefined
    const git = src === undefined ? null : await gitSource(src, env)
    out.set(
      s.name,
      pushRefs({
        push: flags.push,
        tags: flags.tag,
        repo,
        service: s.name,
        gitShort: git ? git.commit.slice(0, GIT_TAG_DIGITS) : null,
      }),
    )
  }
  return out
}

/** Writes `repo@sha256:…` lines, one per pushed image, to `path` (atomically: temp file, then rename). */
export async function writeImageRefs(path: string, pushed: readonly string[]): Promise<void> {
  const lines = [...new Set(pushed.map(digestRef))]
  await writeAtomic(resolve(path), (tmp) => writeFile(tmp, lines.map((l) => `${l}\n`).join(''), { flush: true }))
}

const VERSION_LABEL = 'org.opencontainers.image.version'

/** Services labelled with the version --tag names, unless a label of theirs (config, --label) already says. */
export function withTagVersion(services: readonly GoService[], tags: readonly string[]): GoService[] {
  const version = tagVersion(tags)
  if (version === undefined) return [...services]
  return services.map((s) => (ownLabels(s)[VERSION_LABEL] !== undefined ? s : s.labels({ [VERSION_LABEL]: version })))
}

function ownLabels(s: GoService): Record<string, string> {
  try {
    return s.toSpec().labels
  } catch {
    return {} // an invalid spec fails in its own build, naming its fields
  }
}
