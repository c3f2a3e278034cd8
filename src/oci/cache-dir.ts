// Where gostatic keeps content-addressed blobs and layer keys between runs.
import { homedir } from 'node:os'
import { join } from 'node:path'

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['GOSTATIC_CACHE_DIR']) return env['GOSTATIC_CACHE_DIR']
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'gostatic')
}
