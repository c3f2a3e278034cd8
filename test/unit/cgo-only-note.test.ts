// Reading go's undefined-name errors, and naming the cgo package a name comes from. Pure.
import { describe, expect, it } from 'vitest'
import { cgoOnlyNote, undefinedNames } from '../../src/plan/cgo-only-note.js'
import type { CgoPackage } from '../../src/plan/cgo-only-note.js'

const SQLITE: CgoPackage = {
  importPath: 'github.com/mattn/go-sqlite3', name: 'sqlite3', module: 'github.com/mattn/go-sqlite3', own: false,
  cgoText: 'func (c *SQLiteConn) SetFileControlInt(dbName string, op int, arg int) error {',
}

describe('cgo-only names', () => {
  it("reads go's two forms of an undefined name", () => {
    const stderr =
      './main.go:13:12: c.SetFileControlInt undefined (type *sqlite3.SQLiteConn has no field or method SetFileControlInt)\n' +
      './main.go:20:2: undefined: sqlite3.ErrNoExtended\n./main.go:21:2: undefined: answer\n'
    expect(undefinedNames(stderr)).toEqual([
      { qualifier: 'sqlite3', name: 'ErrNoExtended' },
      { qualifier: null, name: 'answer' },
      { qualifier: 'sqlite3', name: 'SetFileControlInt' },
    ])
  })

  it('names the module only when a cgo file declares the name', () => {
    const note = cgoOnlyNote([{ qualifier: 'sqlite3', name: 'SetFileControlInt' }], [SQLITE])
    expect(note?.detail).toBe(
      'SetFileControlInt is declared only in the cgo files of github.com/mattn/go-sqlite3: a CGO_ENABLED=0 build ' +
        'leaves those files out, so github.com/mattn/go-sqlite3 is a cgo module',
    )
    // The API's form: the builder call, not the flag (hints.ts; the CLI's form is tested through the CLI).
    expect(note?.hint).toContain('build with cgo: .cgo() (a static musl build')
    expect(note?.hint).not.toContain('--cgo')
    expect(cgoOnlyNote([{ qualifier: 'sqlite3', name: 'Typo' }], [SQLITE])).toBeNull()
    expect(cgoOnlyNote([{ qualifier: null, name: 'SetFileControlInt' }], [SQLITE])).toBeNull()
  })
})
