// The timestamp every engine writes into image files and configs: the
// caller's value, else SOURCE_DATE_EPOCH (reproducible-builds.org), else the
// last commit's time when the source folder is a clean git checkout, else 0.
// The commit time is a host fact, read here by the engine; the plan never
// sees it. It is as reproducible as 0 (two builds of one commit agree) and it
// says something true about the image.
import { existsSync } from 'node:fs'
import { parseSourceDateEpoch } from '../util/source-date-epoch.js'
import { runTool } from '../util/run-tool.js'

/** `sourceDir`: the host folder the build reads, or null when the sources come from elsewhere (a Dagger Directory). */
export async function sourceDateEpoch(
  opts: { sourceDateEpoch?: number },
  env: NodeJS.ProcessEnv,
  sourceDir: string | null,
): Promise<number> {
  if (opts.sourceDateEpoch !== undefined) return opts.sourceDateEpoch
  const fromEnv = parseSourceDateEpoch(env)
  if (fromEnv !== undefined) return fromEnv
  return (sourceDir === null ? null : await cleanCommitTime(sourceDir, env)) ?? 0
}

/**
 * HEAD's committer time, in seconds, when `dir` is tracked in a git work tree
 * with nothing modified, staged or untracked (ignored files don't count);
 * null otherwise, or when git is absent or refuses the repository.
 */
export async function cleanCommitTime(dir: string, env: NodeJS.ProcessEnv): Promise<number | null> {
  if (!existsSync(dir)) return null
  // No optional locks: status must not write the index of a tree that builds run from concurrently.
  const gitEnv = { ...env, GIT_OPTIONAL_LOCKS: '0' }
  const git = async (...args: string[]): Promise<string | null> => {
    try {
      const r = await runTool('git', args, { cwd: dir, env: gitEnv, timeoutMs: 30_000 })
      return r.exitCode === 0 ? r.stdout : null
    } catch {
      return null
    }
  }
  // The whole work tree, not just `dir`: a replaced module or go.work elsewhere in it shapes the build too.
  const status = await git('status', '--porcelain', '--untracked-files=normal')
  if (status === null || status !== '') return null
  // An ignored or never-added folder is "clean" to status, yet HEAD says nothing about it.
  if ((await git('ls-files', '--error-unmatch', '--', '.')) === null) return null
  const time = (await git('log', '-1', '--format=%ct'))?.trim()
  return time !== undefined && /^\d+$/.test(time) ? Number(time) : null
}
