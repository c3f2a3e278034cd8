// The binary, the working folder and the runtime files share one file tree;
// a binaryPath of /etc/passwd would silently replace the passwd file, and a
// workdir on a file makes every container start fail. Pure.
import { ErrorCode, GostaticError } from '../errors.js'
import type { RuntimeFile } from './build-plan.js'

const under = (path: string, dir: string) => path.startsWith(dir.endsWith('/') ? dir : `${dir}/`)

/**
 * Refuses a binaryPath (or a .binary()'s path, at `extra`) or workdir that lands on, inside or above a runtime file.
 */
export function assertNoPathClash(
  service: string,
  binaryPath: string,
  workdir: string,
  files: readonly RuntimeFile[],
  extra: readonly string[] = [],
): void {
  const fail = (field: string, message: string) =>
    new GostaticError(ErrorCode.INVALID_SPEC, `invalid service '${service}':\n✖ ${message}\n  → at ${field}`)
  for (const [i, path] of extra.entries())
    for (const f of files)
      if (path === f.path || under(f.path, path) || (f.kind !== 'dir' && under(path, f.path)))
        throw fail(
          `binaries[${i}].path`,
          `${path} clashes with ${f.path}, a file or folder of the image; give the binary its own path, like ` +
            '/usr/local/bin/migrate',
        )
  for (const [i, path] of extra.entries())
    if (under(workdir, path) || workdir === path)
      throw fail('workdir', `workdir ${workdir} is binaries[${i}].path, not a folder; use a folder like / or /app`)
  for (const f of files) {
    const what =
      f.kind === 'host-file'
        ? `the copy() of ${f.from}`
        : f.kind === 'dir'
          ? 'a folder of the base'
          : 'a file of the base'
    if (binaryPath === f.path || under(f.path, binaryPath) || (f.kind !== 'dir' && under(binaryPath, f.path)))
      throw fail(
        'binaryPath',
        `binaryPath ${binaryPath} clashes with ${f.path}, ${what}; put the binary at its own ` +
          `path, like /usr/local/bin/${service}`,
      )
    if (f.kind !== 'dir' && f.kind !== 'zoneinfo' && (workdir === f.path || under(workdir, f.path)))
      throw fail('workdir', `workdir ${workdir} is ${f.path}, ${what}, not a folder; use a folder like / or /app`)
  }
  if (under(workdir, binaryPath) || workdir === binaryPath)
    throw fail('workdir', `workdir ${workdir} is the binary ${binaryPath}, not a folder; use a folder like / or /app`)
}
