// A Go module with two programs, for the .binary() tests.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** A module with the service at its root and a migrate tool in cmd/migrate; `say` changes what each prints. */
export async function twoBinaryModule(dir: string, say = { api: 'api', migrate: 'migrate' }): Promise<void> {
  await mkdir(join(dir, 'cmd', 'migrate'), { recursive: true })
  await writeFile(join(dir, 'go.mod'), 'module example.com/shop\n\ngo 1.22\n')
  const program = (word: string) =>
    `package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc main() {\n\tfmt.Println("${word} ran", len(os.Args)-1)\n}\n`
  await writeFile(join(dir, 'main.go'), program(say.api))
  await writeFile(join(dir, 'cmd', 'migrate', 'main.go'), program(say.migrate))
}
