// DESIGN.md keeps lines under about 120 characters, so a file kept short by
// packing long lines does not pass for short. prettier (npm test runs
// `prettier --check src`, printWidth 120) wraps code, but not a long string
// or comment: this check catches those.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = resolve(import.meta.dirname, '../../src')
const MAX = 120

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

/** `file:line (length)` for every line of `text` longer than MAX. */
export function longLines(file: string, text: string): string[] {
  return text.split('\n').flatMap((l, i) => (l.length > MAX ? [`${file}:${i + 1} (${l.length})`] : []))
}

describe('line length', () => {
  it(`no line under src/ is longer than ${MAX} characters`, () => {
    const files = sources(SRC)
    expect(files.length).toBeGreaterThan(100)
    expect(files.flatMap((f) => longLines(relative(SRC, f), readFileSync(f, 'utf8')))).toEqual([])
  })

  it('names a long line by file, line and length', () => {
    expect(longLines('a.ts', `short\n${'x'.repeat(MAX + 1)}\n${'y'.repeat(MAX)}`)).toEqual(['a.ts:2 (121)'])
  })
})
