// The README's table of contents lists every ## and ### heading, in order,
// each linked by the anchor GitHub gives it: a section added without an entry
// (or renamed) fails here rather than going missing from the contents.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8')

/** GitHub's anchor: lower case, punctuation but '-' and '_' dropped, spaces to '-'. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-')
}

function headings(): string[] {
  const outside = README.replace(/^```[\s\S]*?^```/gm, '')
  return [...outside.matchAll(/^(##|###) (.+)$/gm)]
    .filter((m) => m[2] !== 'Contents')
    .map((m) => `${m[1] === '##' ? '' : '  '}- [${m[2]}](#${anchor(m[2]!)})`)
}

describe('README contents', () => {
  it('lists every section and subsection, in order, with its anchor', () => {
    const toc = /^## Contents\n\n((?:\s*- .+\n)+)/m.exec(README)?.[1]
    expect(toc, 'a "## Contents" list').toBeDefined()
    expect(toc!.trimEnd().split('\n')).toEqual(headings())
  })
})
