// Go source files and package folders that are symlinks out of the module.
// go build follows a linked .go file or package folder wherever it points, so the local engine compiles it in,
// while the Dagger engine and docker build copy the link itself and cannot
// see its target. Nothing is refused (go allows it); each one is named in a
// warning so a file from outside the module never goes in without a word.
import { readdir, realpath, readlink } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { inside } from './confined-path.js'

// What go build reads from a package folder (go help packages, go help c).
const GO_READS = /\.(go|s|S|sx|c|h|cc|cpp|cxx|hh|hpp|hxx|m|f|F|for|f90|syso)$|^go\.(mod|sum|work)$/
// go ignores folders starting with '.' or '_', and testdata; the walk stops after this many entries.
const MAX_ENTRIES = 200_000

export interface OutsideLink {
  /** Relative to the module folder. */
  readonly file: string
  readonly target: string
  readonly real: string
}

export async function goFilesLinkingOutside(moduleDir: string): Promise<OutsideLink[]> {
  const root = await realpath(moduleDir).catch(() => null)
  if (root === null) return []
  const out: OutsideLink[] = []
  const todo = [root]
  let seen = 0
  while (todo.length > 0 && seen < MAX_ENTRIES) {
    const dir = todo.pop()!
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
    for (const e of entries) {
      seen++
      const path = join(dir, e.name)
      const goFolder = !/^[._]/.test(e.name) && e.name !== 'testdata'
      if (e.isDirectory() && goFolder) todo.push(path)
      if (!e.isSymbolicLink() || !(GO_READS.test(e.name) || goFolder)) continue
      const real = await realpath(path).catch(() => null)
      if (real === null || inside(root, real)) continue
      // A linked folder is a package go builds from wherever it points (an import path resolves through it).
      if (GO_READS.test(e.name) || (await holdsGoFiles(real)))
        out.push({ file: relative(root, path), target: await readlink(path), real })
    }
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : 1))
}

/** Whether `dir` is a folder with a file go build reads (a package); a linked folder of assets is not one. */
async function holdsGoFiles(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  return entries.some((e) => !e.isDirectory() && GO_READS.test(e.name))
}

/** One warning per linked file, for the engines' warning events. */
export async function sourceLinkWarnings(moduleDir: string): Promise<string[]> {
  return (await goFilesLinkingOutside(moduleDir)).map(
    (l) =>
      `${l.file} is a symlink to ${l.target} (${l.real}), outside the module: go build compiles it in on this ` +
      'machine (local engine), while the Dagger engine and docker build copy only the link',
  )
}
