// A flag value the spec would refuse (--platform linux/amd65, --user nonroot)
// is a usage error, found before a config loads or a build starts: each flag
// is applied alone to a blank service and its spec checked, so the error
// names the flag as typed rather than a spec field of some service.
import { ErrorCode, GostaticError, isGostaticError } from '../errors.js'
import { goService, type GoService } from '../index.js'
import type { ServiceFlags } from './parse-cli.js'

type Check = readonly [flag: string, typed: string, apply: (s: GoService) => GoService]

export function checkFlagValues(f: ServiceFlags): void {
  const checks: Check[] = []
  if (f.name !== undefined) checks.push(['--name', f.name, () => goService({ name: f.name!, source: '.' })])
  if (f.go !== undefined) checks.push(['--go', f.go, (s) => s.go(f.go!)])
  // Together, so two that clash are refused. The blank's main is no real package, so a clash with the service's
  // own main (which a config may set) is left to that service's spec.
  if (f.binary.length > 0)
    checks.push([
      '--binary',
      f.binary.map((b) => `${b.main}=${b.path}`).join(' --binary '),
      () => f.binary.reduce((s, b) => s.binary(b), goService({ name: 'flag-check', source: '.', main: './-' })),
    ])
  if (f.platform.length > 0) checks.push(['--platform', f.platform.join(','), (s) => s.platforms(...f.platform)])
  if (f.runtime !== undefined) checks.push(['--runtime', f.runtime, (s) => s.runtime(f.runtime!)])
  if (f.user !== undefined) checks.push(['--user', f.user, (s) => s.user(f.user!)])
  if (f.tags.length > 0) checks.push(['--tags', f.tags.join(','), (s) => s.tags(...f.tags)])
  if (f.timezones !== undefined && f.timezones !== 'all')
    checks.push(['--timezones', f.timezones, (s) => s.timezones(f.timezones!.split(','))])
  const blank = goService({ name: 'flag-check', source: '.' })
  for (const [flag, typed, apply] of checks) {
    try {
      apply(blank).toSpec()
    } catch (e) {
      // Whatever the spec or a reference parser says about a blank service, the flag's value said it.
      if (!isGostaticError(e)) throw e
      throw new GostaticError(ErrorCode.USAGE, `${flag} ${typed}: ${issues(e.message)}`, {
        hint: e.hint ?? `see gostatic --help for what ${flag} takes`,
      })
    }
  }
}

/** The spec error's issue lines ("✖ unknown platform ...; allowed: ..."), without the service it was checked on. */
function issues(message: string): string {
  const lines = message
    .split('\n')
    .filter((l) => l.startsWith('✖ '))
    .map((l) => l.slice(2))
  return lines.length > 0 ? lines.join('; ') : message
}
