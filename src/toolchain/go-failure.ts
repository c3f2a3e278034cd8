// What a failed go build means for the user: go's own words, plus the
// sentence that names the likely mistake. Go reports an all-cgo package as
// "build constraints exclude all Go files" and a library main as nothing at
// all (see verify/program-check.ts). go-errors.ts handles the other commands.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ErrorCode, ToolError } from '../errors.js'
import type { ToolRun } from '../util/run-tool.js'
import { goCommandError } from './go-errors.js'
import { cgoOnlyNote, undefinedNames } from '../plan/cgo-only-note.js'
import { cgoPackages } from './cgo-only-facts.js'
import type { GoRunner } from './cgo-only-facts.js'
import { hint } from '../hints.js'

export interface GoFailureNote {
  /** Appended to the message: what go's output means here. */
  readonly detail?: string
  readonly hint?: string
}

/**
 * A failed `go build` of `main`: goCommandError's verdict when it knows the cause, else go's words and the note.
 * `go` (a CGO_ENABLED=0 build's runner) lets an undefined name be traced to a package's cgo-only files.
 */
export async function goBuildError(what: string, r: ToolRun, main: string, go?: GoRunner): Promise<ToolError> {
  const known = goCommandError(what, r, ErrorCode.GO_BUILD_FAILED)
  if (known.hint !== undefined) return known
  const names = undefinedNames(r.stderr)
  const traced = go === undefined || names.length === 0 ? null : await cgoPackages(names, main, go)
  const cgoOnly = traced === null ? null : cgoOnlyNote(names, traced)
  const note = cgoOnly ?? (await goBuildNote(r.stderr, main))
  return new ToolError(
    ErrorCode.GO_BUILD_FAILED,
    `${known.message}${note.detail ? `\n${note.detail}` : ''}`,
    r,
    note.hint ? { hint: note.hint } : {},
  )
}

/** A note for a failed `go build` of main package `main`. */
export async function goBuildNote(stderr: string, main: string): Promise<GoFailureNote> {
  const excluded = /build constraints exclude all Go files in (\S+)/.exec(stderr)?.[1]
  if (excluded !== undefined) {
    const cgo = await cgoFiles(excluded)
    if (cgo.length > 0)
      return {
        detail:
          `${cgo.join(', ')} ${cgo.length === 1 ? 'uses' : 'use'} cgo (import "C"), which a static build ` +
          `(CGO_ENABLED=0) leaves out, ` +
          'and nothing else in the package builds without it',
        hint:
          'rewrite the cgo parts in pure Go or use a pure-Go package, ' +
          `or build them static with ${hint('cgo')}; ` +
          '`gostatic doctor` lists the packages that need cgo',
      }
    return {
      hint:
        'every .go file there is excluded by a //go:build line or a file name suffix; check them against ' +
        `the tags (${hint('tags')}) and the target platform`,
    }
  }
  if (/function main is undeclared in the main package/.test(stderr))
    return {
      hint:
        `main '${main}' is package main but has no func main(); add one, or point ${hint('main-field')} ` +
        'at the package that has it',
    }
  if (/no Go files in |directory not found|cannot find package|is not in std|does not contain package/.test(stderr))
    return { hint: `main '${main}' must be a folder of package main inside the module, like '.' or './cmd/api'` }
  return {}
}

async function cgoFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[])
  const goFiles = names.filter((n) => n.endsWith('.go') && !n.endsWith('_test.go')).sort()
  const uses = await Promise.all(
    goFiles.map(async (n) => importsC(await readFile(join(dir, n), 'utf8').catch(() => ''))),
  )
  return goFiles.filter((_, i) => uses[i])
}

function importsC(src: string): boolean {
  if (/^\s*import\s+"C"/m.test(src)) return true
  return [...src.matchAll(/^\s*import\s*\(([^)]*)\)/gm)].some((m) => /(^|\s)"C"(\s|$)/.test(m[1]!))
}
