// `go build -o out ./pkg` on a package that is not `package main` still
// succeeds: it writes the compiled package archive. Said plainly here, that
// is a wrong `main`, not a malformed ELF.
import { ErrorCode, GostaticError } from '../errors.js'
import { hint } from '../hints.js'

const AR_MAGIC = Buffer.from('!<arch>\n')

/** Refuses a Go package archive where a program was expected; `main` names the package when known. */
export function assertProgram(bytes: Uint8Array, what: string, main?: string): void {
  if (bytes.length < AR_MAGIC.length || !AR_MAGIC.equals(Buffer.from(bytes.buffer, bytes.byteOffset, AR_MAGIC.length)))
    return
  const pkg = main === undefined ? 'its main package' : `main '${main}'`
  throw new GostaticError(
    ErrorCode.GO_BUILD_FAILED,
    `${what}: ${pkg} is a library, not a program: go build wrote a package archive, not an executable`,
    {
      hint:
        `point ${hint('main-field')} at the folder whose files say \`package main\` and have func main, ` +
        `e.g. ${hint('main', { main: './cmd/api' })}`,
    },
  )
}
