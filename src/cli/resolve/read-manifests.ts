// The YAML `gostatic resolve -f` reads: files, folders (their .yaml and .yml
// files, recursively, in name order, as ko reads a folder) and `-` for stdin.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ErrorCode, GostaticError } from '../../errors.js'
import type { ManifestText } from './manifest-refs.js'

export async function readManifests(
  paths: readonly string[],
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<ManifestText[]> {
  const out: ManifestText[] = []
  for (const p of paths) {
    if (p === '-') out.push({ file: '<stdin>', text: await readAll(stdin) })
    else out.push(...readPath(p))
  }
  return out
}

function readPath(p: string): ManifestText[] {
  let st
  try {
    st = statSync(p)
  } catch {
    throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `-f ${p}: no such file or folder`)
  }
  if (!st.isDirectory()) return [{ file: p, text: readFileSync(p, 'utf8') }]
  const files = yamlFiles(p)
  if (files.length === 0)
    throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `-f ${p}: the folder has no .yaml or .yml files`)
  return files.map((f) => ({ file: f, text: readFileSync(f, 'utf8') }))
}

function yamlFiles(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )
  return entries.flatMap((e) => {
    const p = join(dir, e.name)
    if (e.isDirectory()) return yamlFiles(p)
    return e.isFile() && /\.ya?ml$/.test(e.name) ? [p] : []
  })
}

async function readAll(s: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of s) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}
