// A copy of examples/hello with a CA bundle to pin at certs/ca.pem, unlike
// anything Node's store or a builder image would give (a comment, CRLF line
// ends, two roots only), so a backend that ignores the pin is caught.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { rootCertificates } from 'node:tls'

export const PINNED_PEM = `# pinned by the test\r\n${rootCertificates.slice(0, 2).join('\r\n')}\r\n`

/** Writes the copy to `dir` and returns it; the bundle is at certs/ca.pem. */
export function helloWithPinnedCa(dir: string): string {
  cpSync(resolve('examples/hello'), dir, { recursive: true })
  mkdirSync(join(dir, 'certs'))
  writeFileSync(join(dir, 'certs', 'ca.pem'), PINNED_PEM)
  return dir
}
