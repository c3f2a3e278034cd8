// Needs that come from the image config, not the binary alone: a TZ the
// program reads at start-up, env variables that move Go's CA and zone
// lookups, and a home directory the program writes into. The binary's
// function table says whether the code that reads them is linked; the env
// says where it looks. Checked against the image in config-needs-check.ts.
import type { NeedId } from '../spec/needs-options.js'
import type { Index, NeedRule } from './runtime-needs.js'
import { readTz } from './tz-env.js'
import { hint } from '../hints.js'

export type ConfigNeedId = Extract<NeedId, 'local-zone' | 'env-paths' | 'home'>

/** Env variables that replace a path Go reads; each must name something the image holds. */
export const PATH_VARS = ['SSL_CERT_FILE', 'SSL_CERT_DIR', 'ZONEINFO'] as const

/** The calls that return a directory under $HOME (os/file.go), for the program to keep files in. */
const HOME_CALLS = ['os.UserCacheDir', 'os.UserConfigDir'] as const
// os/user's pure-Go Current (os/user.current) calls os.UserHomeDir only to fill User.HomeDir, so with it
// linked os.UserHomeDir shows nothing of the program's own; without it the program asked for $HOME itself.
const homeCalls = (b: Index): string[] => [
  ...(b.has('os.UserHomeDir') && !b.has('os/user.current') ? ['os.UserHomeDir'] : []),
  ...HOME_CALLS.filter((n) => b.has(n)),
]

const tzdata = (b: Index): string | null =>
  b.hasPrefix('time/tzdata.') ? 'time/tzdata is linked: the zone database is in the binary' : null

export const CONFIG_NEED_RULES: Record<ConfigNeedId, NeedRule> = {
  'local-zone': {
    severity: 'warning',
    short: 'TZ',
    // Go reads TZ once, when the program first uses local time (time.initLocal).
    find: (b) => {
      const tz = b.env('TZ')
      return readTz(tz).kind === 'utc' || !b.has('time.initLocal') ? [] : [`TZ=${tz}`, 'time.initLocal']
    },
    embedded: (b) => (readTz(b.env('TZ')).kind === 'zone' ? tzdata(b) : null),
    message: (ev) =>
      `${ev[0]} is in the image's env: Go loads that zone when the program first uses local time, from ` +
      '/usr/share/zoneinfo and the other zone directories (not $ZONEINFO); without the file the program runs in UTC, ' +
      'with no error',
    fix: (ev) =>
      `${hint('runtime', { base: 'static' })} adds the zone's file; elsewhere list it with ` +
      `${hint('timezones', { zones: [ev[0]!.slice('TZ='.length).replace(/^:/, '')] })} ` +
      '(a file on scratch, embedded on image bases), ' +
      'add the zone files to the base, or import _ "time/tzdata"',
  },
  'env-paths': {
    severity: 'warning',
    short: 'env paths',
    find: (b) => PATH_VARS.flatMap((k) => (b.env(k) === undefined ? [] : [`${k}=${b.env(k)}`])),
    message: (ev) =>
      `${ev.join(', ')} in the image's env ${ev.length === 1 ? 'replaces' : 'replace'} the paths Go reads ` +
      '(SSL_CERT_FILE and SSL_CERT_DIR for the CA roots TLS verifies against, ZONEINFO for time.LoadLocation): ' +
      "a path the image does not hold leaves TLS with 'certificate signed by unknown authority' or zones unknown",
    fix: () =>
      'point each variable at a file or directory the image holds, or drop it; ' +
      "runtime('static') writes the CA bundle or the zone database at the path",
  },
  home: {
    severity: 'warning',
    short: 'home',
    find: homeCalls,
    message: (ev) =>
      `${ev.join(', ')} ${ev.length === 1 ? 'returns' : 'return'} $HOME or a directory under it ` +
      "(docker sets HOME from the user's /etc/passwd entry, else '/'): without a home the image's user can write, " +
      "the files the program keeps there fail with 'permission denied' or 'no such file or directory'",
    fix: () =>
      "runtime('static') and runtime('scratch') create the user's home, owned by the user; " +
      "on an image base create it owned by the image's user, " +
      'or set HOME (or XDG_CACHE_HOME, XDG_CONFIG_HOME) to a writable directory',
  },
}
