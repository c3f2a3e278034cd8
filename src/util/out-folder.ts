// Where gostatic's outputs go by default: a folder of their own, outside
// dist/ (which a package build deletes and `npm pack` ships) and out of git.
import { writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** The default output folder, relative to where gostatic runs. */
export const OUT_FOLDER = 'gostatic-out'

/** The archive `gostatic build` writes for a service when --out is not given. */
export function defaultArchivePath(service: string): string {
  return join(OUT_FOLDER, `${service}.tar`)
}

const GITIGNORE = '# Written by gostatic: this folder holds build outputs (images, SBOMs), not sources.\n*\n'

/**
 * For an output inside a folder named gostatic-out (at any depth), writes a
 * .gitignore there unless one exists, so neither git nor a careless commit
 * picks the images up. `path` is absolute; the folder already exists.
 */
export async function markOutFolder(path: string): Promise<void> {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    if (basename(dir) !== OUT_FOLDER) continue
    // 'wx': one that is there (the user's own, say) is left as it is.
    await writeFile(join(dir, '.gitignore'), GITIGNORE, { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e
    })
    return
  }
}
