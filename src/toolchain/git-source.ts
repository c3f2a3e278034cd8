// The source a build came from, when its folder is in a git checkout: the
// commit, whether the work tree differs from it (git status, untracked files
// included, as Go's vcs.modified counts them), the origin URL without any
// credentials in it, and the folder relative to the checkout's top.
import { relative, resolve } from 'node:path'
import { runTool } from '../util/run-tool.js'
import type { SourceFact } from '../attest/provenance.js'

export async function gitSource(dir: string, env: NodeJS.ProcessEnv): Promise<SourceFact | null> {
  const git = (...args: string[]) =>
    runTool('git', ['-C', resolve(dir), ...args], { env: { ...env, GIT_OPTIONAL_LOCKS: '0' } }).catch(() => null)
  const head = await git('rev-parse', '--show-toplevel', 'HEAD')
  if (!head || head.exitCode !== 0) return null
  const [top, commit] = head.stdout.trim().split('\n')
  if (!top || !commit || !/^[0-9a-f]{40,64}$/.test(commit)) return null
  const status = await git('status', '--porcelain')
  const origin = await git('config', '--get', 'remote.origin.url')
  const url = origin?.exitCode === 0 ? withoutCredentials(origin.stdout.trim()) : ''
  return {
    uri: url || top,
    commit,
    dirty: status === null || status.exitCode !== 0 || status.stdout.trim() !== '',
    path: relative(top, resolve(dir)) || '.',
  }
}

/** https://user:token@host/x → https://host/x: a remote URL may carry a secret. */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1')
}
