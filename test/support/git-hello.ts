// A hello module committed to a fresh git repository: what the tests of the
// facts gostatic reads from git (tags, labels) build.
import { mkdir, writeFile } from 'node:fs/promises'
import { execOk } from './runtime.js'

/** Writes and commits the module at `src` (with `origin` as its remote); git runs there, and the commit. */
export async function committedHello(src: string, origin?: string) {
  await mkdir(src, { recursive: true })
  await writeFile(`${src}/go.mod`, 'module example.com/hello\n\ngo 1.21\n')
  await writeFile(`${src}/main.go`, 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n')
  const git = (...a: string[]) => execOk('git', ['-C', src, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...a])
  await git('init', '-q')
  if (origin !== undefined) await git('remote', 'add', 'origin', origin)
  await git('add', '.')
  await git('commit', '-qm', 'hello')
  return { git, commit: (await git('rev-parse', 'HEAD')).trim() }
}
