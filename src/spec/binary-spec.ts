// A further program of one service (.binary()): built, stripped, packed,
// verified and needs-checked like the main one, into its own image layer.
// The entrypoint stays the main binary; these are run by path.
import { z } from 'zod'
import * as f from './fields.js'

export const BinarySchema = f.strict({ main: f.mainPackage, path: f.absFilePath })

export type BinarySpec = z.infer<typeof BinarySchema>

type Issue = (path: (string | number)[], message: string) => void

/** One spelling per package: './cmd/x/', 'cmd/x' and './cmd/x' are one package to go. */
export function samePackage(main: string): string {
  const parts = main.split('/').filter((p) => p !== '' && p !== '.')
  return parts.length === 0 ? '.' : parts.join('/')
}

/** Two binaries of one package, or two at one path (or one inside another), are refused at the field to change. */
export function binaryRules(
  s: { readonly main: string; readonly binaries: readonly BinarySpec[] },
  binaryPath: string,
  issue: Issue,
): void {
  const mains = [samePackage(s.main)]
  const paths = [binaryPath]
  s.binaries.forEach((b, i) => {
    const m = mains.indexOf(samePackage(b.main))
    if (m >= 0)
      issue(
        ['binaries', i, 'main'],
        `${b.main} is ${m === 0 ? "the service's main package" : `also binaries[${m - 1}].main`}; ` +
          'each binary builds its own main package, once',
      )
    const p = paths.findIndex((q) => q === b.path || b.path.startsWith(`${q}/`) || q.startsWith(`${b.path}/`))
    if (p >= 0)
      issue(
        ['binaries', i, 'path'],
        `${b.path} clashes with ${paths[p]}, ${p === 0 ? "the main binary's path" : `binaries[${p - 1}].path`}; ` +
          'give each binary its own file path in the image',
      )
    mains.push(samePackage(b.main))
    paths.push(b.path)
  })
}
