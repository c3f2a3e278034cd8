// One private temp folder per process for what must outlive a build but not
// the process: a pulled base's layers when there is no cache (cacheDir: null),
// which a BuildResult still reads when it is exported later. Removed at exit;
// one left by a killed process is swept by the next (its name has the owner tag).
import { rmSync } from 'node:fs'
import { makeTempDir } from './temp-dir.js'

const dirs = new Map<string, Promise<string>>()

export function processTempDir(prefix: string): Promise<string> {
  let dir = dirs.get(prefix)
  if (dir === undefined) {
    dir = makeTempDir(prefix)
    dirs.set(prefix, dir)
    void dir.then(
      (path) => process.once('exit', () => rmSync(path, { recursive: true, force: true })),
      () => dirs.delete(prefix),
    )
  }
  return dir
}
