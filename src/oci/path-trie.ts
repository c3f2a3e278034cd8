// The file tree a layer replay builds, as a trie of path components: adding an
// entry, hiding a path (a whiteout) and clearing a folder (an opaque whiteout)
// each cost the depth of the path, so replaying a layer is linear in its
// entries. A flat map keyed by path made every entry scan all the others.

/** A node: the entry written at this path (none for a folder implied by what lies below), and its children. */
type TrieNode<T> = { value: T | undefined; children: Map<string, TrieNode<T>> | undefined }

export class PathTrie<T> {
  readonly #root: TrieNode<T> = { value: undefined, children: undefined }

  /** The entry at key ('etc/passwd'), if one was written there. */
  get(key: string): T | undefined {
    return this.#find(key)?.value
  }

  /** Writes `value` at key. `keepBelow` keeps what lies under it (a folder over a folder); else it goes. */
  set(key: string, value: T, keepBelow: boolean): void {
    let node = this.#root
    for (const part of parts(key)) {
      node.children ??= new Map()
      let next = node.children.get(part)
      if (next === undefined) node.children.set(part, (next = { value: undefined, children: undefined }))
      node = next
    }
    node.value = value
    if (!keepBelow) node.children = undefined
  }

  /** Removes key and everything under it. */
  delete(key: string): void {
    const p = parts(key)
    const last = p.pop()
    if (last === undefined) return this.clearBelow('')
    this.#find(p.join('/'))?.children?.delete(last)
  }

  /** Removes everything under key, keeping key itself (an opaque folder). */
  clearBelow(key: string): void {
    const node = this.#find(key)
    if (node !== undefined) node.children = undefined
  }

  /** Every written entry with its key, parents before children. */
  *entries(): Generator<[string, T]> {
    const stack: [string, TrieNode<T>][] = [['', this.#root]]
    while (stack.length > 0) {
      const [key, node] = stack.pop()!
      if (node.value !== undefined && key !== '') yield [key, node.value]
      const kids = [...(node.children ?? [])].reverse()
      for (const [name, child] of kids) stack.push([key === '' ? name : `${key}/${name}`, child])
    }
  }

  #find(key: string): TrieNode<T> | undefined {
    let node: TrieNode<T> | undefined = this.#root
    for (const part of parts(key)) if ((node = node.children?.get(part)) === undefined) return undefined
    return node
  }
}

const parts = (key: string): string[] => key.split('/').filter((p) => p !== '')
