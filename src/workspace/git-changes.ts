// The files changed since a git ref, working tree included (staged,
// unstaged and untracked files), and the old text of a file at that ref.
// "Since" means since the ref's merge base with HEAD, so a branch is
// compared with where it forked, not with what landed on main after it.
// A ref git cannot resolve, or a shallow clone (whose merge base may be
// missing), is an error: never an empty change list.
import { ErrorCode, GostaticError, ToolError } from '../errors.js'
import { runTool, type ToolRun } from '../util/run-tool.js'

export interface GitChanges {
  /** The repository's top folder, as git reports it. */
  readonly top: string
  /** The commit changes are counted from. */
  readonly base: string
  /** Repo-relative paths ('/' separators), sorted, deleted and renamed-away paths included. */
  readonly files: readonly string[]
}

export async function gitChanges(cwd: string, ref: string, flag: string): Promise<GitChanges> {
  const git = async (args: string[], allowFail = false): Promise<ToolRun> => {
    const r = await runTool('git', args, { cwd })
    if (r.exitCode !== 0 && !allowFail)
      throw new ToolError(ErrorCode.TOOL_FAILED, `git ${args[0]} failed in ${cwd}: ${r.stderr.trim()}`, r)
    return r
  }
  const inside = await git(['rev-parse', '--show-toplevel'], true)
  if (inside.exitCode !== 0)
    throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `${flag} ${ref}: ${cwd} is not inside a git repository`, {
      hint: 'run gostatic in a git checkout, or build without ' + flag,
    })
  const top = inside.stdout.trim()
  if ((await git(['rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true')
    throw new GostaticError(
      ErrorCode.GIT_HISTORY,
      `${flag} ${ref}: ${top} is a shallow clone; what changed is unknown`,
      { hint: 'fetch the full history (actions/checkout: fetch-depth: 0; or git fetch --unshallow)' },
    )
  const resolved = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], true)
  if (resolved.exitCode !== 0)
    throw new GostaticError(ErrorCode.GIT_HISTORY, `${flag} ${ref}: git knows no commit by that name in ${top}`, {
      hint: 'give a branch, tag or commit that exists here (in CI, fetch it first: git fetch origin main)',
    })
  const mb = await git(['merge-base', resolved.stdout.trim(), 'HEAD'], true)
  if (mb.exitCode !== 0)
    throw new GostaticError(ErrorCode.GIT_HISTORY, `${flag} ${ref}: it shares no history with HEAD in ${top}`, {
      hint: 'give a ref that HEAD was branched from',
    })
  const base = mb.stdout.trim()
  const diff = await git(['diff', '--name-only', '--no-renames', '-z', base, '--'])
  const untracked = await git(['ls-files', '--others', '--exclude-standard', '-z', '--full-name', ':/'])
  const files = new Set([...nul(diff.stdout), ...nul(untracked.stdout)])
  return { top, base, files: [...files].sort() }
}

/** The file's text at `commit`, or '' when it did not exist there. */
export async function gitShow(top: string, commit: string, path: string): Promise<string> {
  const r = await runTool('git', ['show', `${commit}:${path}`], { cwd: top })
  return r.exitCode === 0 ? r.stdout : ''
}

const nul = (s: string) => s.split('\0').filter(Boolean)
