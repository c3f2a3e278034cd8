// A file the build reads from the user's tree, resolved to its real path and
// kept inside its root. The spec checks the text of a path (no '..', not
// absolute); a symlink can still lead anywhere, so every read goes through
// here: a link out of the source folder is refused, naming the link and where
// it leads, unless the plan says the user allowed it.
import { lstatSync, readlinkSync, realpathSync, type Stats } from 'node:fs'
import { isAbsolute, join, relative, sep } from 'node:path'
import { ErrorCode, GostaticError } from '../errors.js'

export interface Confinement {
  /** The folder every path must stay in (the service's source folder), as given. */
  readonly root: string
  /** True when the user opted in (allowLinksOutsideSource): links out are followed. */
  readonly followOutside: boolean
}

/** Whether `real` is `root` or lies below it; both are real paths. */
export function inside(root: string, real: string): boolean {
  const rel = relative(root, real)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

/**
 * The real path of `rel` under the root; throws INPUT_NOT_FOUND when it does not exist and
 * PATH_OUTSIDE_SOURCE when it resolves outside the root (and the user did not opt in).
 * `field` names what asked for it in messages: "copy('static')", 'caCertificates.file'.
 */
export async function confinedPath(c: Confinement, rel: string, field: string, hint: string): Promise<string> {
  return confinedPathSync(c, rel, field, hint)
}

/** The same, synchronous: for the Dockerfile, which a builder renders synchronously. */
export function confinedPathSync(c: Confinement, rel: string, field: string, hint: string): string {
  const rootReal = realpathSync(c.root)
  const abs = join(c.root, rel)
  let real: string
  try {
    real = realpathSync(abs)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT' ? 'does not exist' : code === 'ELOOP' ? 'is a loop of symlinks' : `cannot be read (${code})`
    const dangling = code === 'ENOENT' ? firstLink(c.root, rel) : null
    const via = dangling ? ` (${dangling.link} links to ${dangling.target}, which is missing)` : ''
    throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `${field}: '${rel}' ${why}${via} (looked at ${abs})`, {
      hint,
      cause: e,
    })
  }
  if (c.followOutside || inside(rootReal, real)) return real
  const link = firstLink(c.root, rel)
  const which = link ? `${link.link} is a symlink to ${link.target}` : `it resolves through a symlink`
  throw new GostaticError(
    ErrorCode.PATH_OUTSIDE_SOURCE,
    `${field}: '${rel}' leads outside the source folder ${rootReal}: ${which}, so the file read would be ${real}`,
    {
      hint:
        'copy the file into the source folder, or, if the link is meant, opt in with .allowLinksOutsideSource() ' +
        '(docker build still cannot follow it)',
    },
  )
}

/** The first component of `rel` under `root` that is a symlink, with what it says. */
function firstLink(root: string, rel: string): { link: string; target: string } | null {
  let at = root
  for (const part of rel.split(/[\\/]+/).filter((p) => p !== '' && p !== '.')) {
    at = join(at, part)
    let st: Stats
    try {
      st = lstatSync(at)
    } catch {
      return null
    }
    if (st.isSymbolicLink()) return { link: at, target: readlinkSync(at) }
  }
  return null
}
