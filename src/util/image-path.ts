// Path resolution inside an image's file tree, the way the kernel resolves a
// path in a container: symlinks (also in parent directories) are followed
// within the tree and never on the host, `..` stops at the root, and a loop
// gives up as ELOOP would. Keys are relative to the root: 'etc/passwd'.

/** The target of the symlink at `key`, or undefined when `key` is not a symlink. */
export type LinkOf = (key: string) => string | undefined

const MAX_HOPS = 40

/** The key `path` resolves to (it may not exist), or null for a symlink loop. */
export function resolveImagePath(path: string, linkOf: LinkOf): string | null {
  let todo = path.split('/')
  const done: string[] = []
  for (let hops = 0; todo.length > 0;) {
    const part = todo.shift()!
    if (part === '' || part === '.') continue
    if (part === '..') {
      done.pop()
      continue
    }
    const link = linkOf([...done, part].join('/'))
    if (link !== undefined) {
      if (++hops > MAX_HOPS) return null
      if (link.startsWith('/')) done.length = 0
      todo = [...link.split('/'), ...todo]
      continue
    }
    done.push(part)
  }
  return done.join('/')
}
