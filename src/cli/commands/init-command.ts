// `gostatic init`: writes a commented gostatic.config.ts at the root of the Go
// module it is run in, one service per main package `go list` finds. It never
// overwrites: the file appears whole (temp file, then a link that fails if the
// name exists) or not at all.
import { randomBytes } from 'node:crypto'
import { link, rm, writeFile } from 'node:fs/promises'
import { basename, join, relative, resolve, sep } from 'node:path'
import { ErrorCode, GostaticError } from '../../errors.js'
import { runTool } from '../../util/run-tool.js'
import { findConfig } from '../../index.js'
import { outputError } from '../../util/atomic-write.js'
import { findModule } from '../discover-root.js'
import { initConfigText, type InitService } from '../init-config-text.js'

export async function initCommand(dir: string): Promise<number> {
  const root = findModule(resolve(dir))?.root
  if (root === undefined)
    throw new GostaticError(
      ErrorCode.INPUT_NOT_FOUND,
      `gostatic init: ${dir} is not in a Go module (no go.mod in it or above it)`,
      { hint: 'run it in your module, or create one with go mod init' },
    )
  const existing = findConfig(root)
  if (existing !== undefined)
    throw new GostaticError(
      ErrorCode.OUTPUT_NOT_WRITABLE,
      `gostatic init: ${existing} already exists; it is left as it is`,
      { hint: 'edit it, or remove it and run gostatic init again' },
    )
  const [modulePath, services] = await Promise.all([goModulePath(root), mainPackages(root)])
  if (services.length === 0)
    throw new GostaticError(
      ErrorCode.INPUT_NOT_FOUND,
      `gostatic init: module ${modulePath} in ${root} has no main package`,
      { hint: 'gostatic builds commands: a package main with a func main' },
    )
  const file = join(root, 'gostatic.config.ts')
  await writeNew(file, initConfigText(modulePath, services))
  process.stdout.write(`wrote ${file} (${services.map((s) => s.name).join(', ')})\nnext: npx gostatic plan\n`)
  return 0
}

async function goModulePath(root: string): Promise<string> {
  return (await runTool('go', ['list', '-m'], { cwd: root })).stdout.trim().split('\n')[0] ?? basename(root)
}

/** Every main package of the module, named for its folder (the module's folder at the root). */
async function mainPackages(root: string): Promise<InitService[]> {
  const r = await runTool('go', ['list', '-f', '{{if eq .Name "main"}}{{.Dir}}{{end}}', './...'], { cwd: root })
  const dirs = r.stdout.split('\n').filter(Boolean).sort()
  const name = (d: string) =>
    basename(d)
      .toLowerCase()
      .replace(/[^a-z0-9._-]/g, '-')
  return dirs.map((d) => {
    const rel = relative(root, d)
    return { name: name(d), main: rel === '' ? '.' : `./${rel.split(sep).join('/')}` }
  })
}

/** Writes a file that must not exist yet: whole or not at all, and never over another. */
async function writeNew(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${randomBytes(6).toString('hex')}`
  try {
    await writeFile(tmp, text, { flag: 'wx', flush: true })
    await link(tmp, file)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      throw new GostaticError(ErrorCode.OUTPUT_NOT_WRITABLE, `gostatic init: ${file} already exists; left as it is`)
    throw outputError(file, e, 'check the folder is writable')
  } finally {
    await rm(tmp, { force: true })
  }
}
