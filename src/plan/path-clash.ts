// The binary, the working folder and the runtime files share one file tree;
// a binaryPath of /etc/passwd would silently replace the passwd file, and a
// workdir on a file makes every container start fail. Pure.
import { ErrorCode, GostaticError } from '../errors.js'
import type { RuntimeFile } from './build-plan.js'

const under = (path: string, dir: string) => path.startsWith(dir.endsWith('/') ? dir : `${dir}/`)

/** Refuses a binaryPath or workdir that lands on, inside or above a runtime file. */
export function assertNoPathClash(
  service: string,
  binaryPath: string,
  workdir: string,
  files: readonly RuntimeFile[],
): void {
  const fail = (field: string, message: string) =>
    new GostaticError(ErrorCode.INVALID_SPEC, `invalid service '${service}':\n✖ ${message}\n  → at ${field}`)
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
