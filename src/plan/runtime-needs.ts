// What a binary needs from its image at run time, read from the binary
// itself: a function name in its Go function table, or a module in its build
// info, maps to a need. Pure. Function names were chosen by building small
// programs with Go 1.21 and 1.26 and listing their tables; each is the code
// that touches the file (or, for the user's call, the exported function).
import type { NeedId } from '../spec/needs-options.js'
import { KNOWN_CGO_MODULES } from './known-cgo-modules.js'
import type { RefusedModule } from './build-plan.js'
import { CONFIG_NEED_RULES } from './config-needs.js'
import { envValue } from './image-user.js'
import { hint } from '../hints.js'

export type { NeedId } from '../spec/needs-options.js'

/** The facts a rule reads: from readGoFuncTable() and readGoBuildInfo(). */
export interface BinaryEvidence {
  /** Every name in the Go function table, inlined functions included (GoFuncTable.names). */
  readonly functions: readonly string[]
  /** Module paths of the build info's dependencies. */
  readonly modules: readonly string[]
  /** Build info settings; CGO_ENABLED decides whether a cgo module is its stub. */
  readonly settings: Readonly<Record<string, string>>
}

/** The image config a rule reads alongside the binary: the final env (a pulled base's merged in), user and workdir. */
export interface ConfigEvidence {
  /** KEY=value, as the container gets it. */
  readonly env: readonly string[]
  readonly user: string | null
  readonly workdir: string | null
}

/** No image config: a bare binary's needs (inspect of a file). */
export const NO_CONFIG: ConfigEvidence = { env: [], user: null, workdir: null }

/** error: fails on every base. warning: fails at run time where unmet. info: changes behaviour, does not fail. */
export type NeedSeverity = 'error' | 'warning' | 'info'

export interface Need {
  readonly id: NeedId
  readonly severity: NeedSeverity
  /** What in the binary shows the need: function names or module paths. */
  readonly evidence: readonly string[]
  /** Set when the binary meets the need itself (embedded zones or roots), saying how. */
  readonly embedded: string | null
  /** What goes wrong at run time when the image does not meet it. */
  readonly message: string
  /** How to meet it. */
  readonly fix: string
}

export interface Index {
  has(name: string): boolean
  hasPrefix(prefix: string): boolean
  /** The image env's value for the key (an empty value counts as unset). */
  env(key: string): string | undefined
  readonly evidence: BinaryEvidence
}

export interface NeedRule {
  readonly severity: NeedSeverity
  /** A few letters for summaries: 'tz missing'. */
  readonly short: string
  /** The evidence for the need in this binary; empty when it has none. */
  readonly find: (b: Index) => string[]
  readonly embedded?: (b: Index) => string | null
  readonly message: (evidence: readonly string[]) => string
  readonly fix: (evidence: readonly string[]) => string
}

export const any = (b: Index, names: readonly string[]): string[] => names.filter((n) => b.has(n))

/** os/user calls that read /etc/group (the rest read /etc/passwd). */
export const GROUP_LOOKUPS = ['os/user.LookupGroup', 'os/user.LookupGroupId', 'os/user.(*User).GroupIds'] as const
const USER_LOOKUPS = ['os/user.Current', 'os/user.Lookup', 'os/user.LookupId', ...GROUP_LOOKUPS] as const

/** Service names net knows without /etc/services (net/lookup.go's table). */
export const BUILTIN_SERVICES =
  'ftp, ftps, gopher, http, https, imap2, imap3, imaps, pop3, pop3s, smtp, submissions, ssh, telnet (tcp) and ' +
  'domain (udp)'

/** The cgo modules whose CGO_ENABLED=0 build is a stub that fails at run time. */
const STUBS = KNOWN_CGO_MODULES.filter((k) => k.withoutCgo === 'stub')

/** The same modules with their pure-Go replacements: what a Dockerfile build can refuse from the build info alone. */
export const CGO_STUB_MODULES: readonly RefusedModule[] = STUBS.map(({ module, replacement }) => ({
  module,
  replacement,
}))

export const NEED_RULES: Record<NeedId, NeedRule> = {
  zoneinfo: {
    severity: 'warning',
    short: 'tz',
    find: (b) => any(b, ['time.LoadLocation']),
    embedded: (b) => (b.hasPrefix('time/tzdata.') ? 'time/tzdata is linked: the zone database is in the binary' : null),
    message: () =>
      "time.LoadLocation reads zone files ($ZONEINFO, /usr/share/zoneinfo); without them it fails with 'unknown " +
      "time zone'",
    fix: () =>
      `list the zones with ${hint('timezones', { zones: ['Europe/Berlin', '...'] })} (files on scratch and static, ` +
      `embedded on image bases), use ${hint('runtime', { base: 'static' })} (all zones by default), ` +
      'or import _ "time/tzdata" to embed the database (about 450 KB)',
  },
  'ca-roots': {
    severity: 'warning',
    short: 'ca',
    find: (b) => any(b, ['crypto/x509.loadSystemRoots']),
    embedded: (b) =>
      b.hasPrefix('golang.org/x/crypto/x509roots/fallback.')
        ? 'golang.org/x/crypto/x509roots/fallback is linked: CA roots are in the binary'
        : null,
    message: () =>
      'crypto/x509 loads the system CA roots ($SSL_CERT_FILE, $SSL_CERT_DIR, /etc/ssl/certs/ca-certificates.crt and ' +
      "the other paths Go knows); without a bundle TLS verification fails with 'x509: certificate signed by unknown " +
      "authority'",
    fix: () =>
      "use runtime('static') or .caCertificates() (a bundle at /etc/ssl/certs/ca-certificates.crt), " +
      'or import _ "golang.org/x/crypto/x509roots/fallback" to embed roots',
  },
  users: {
    severity: 'warning',
    short: 'passwd',
    find: (b) => {
      const calls = any(b, USER_LOOKUPS)
      return calls.length > 0 ? calls : any(b, ['os/user.readColonFile'])
    },
    message: (ev) =>
      `${ev.join(', ')} read${ev.length === 1 ? 's' : ''} /etc/passwd` +
      `${ev.some((e) => (GROUP_LOOKUPS as readonly string[]).includes(e)) ? ' and /etc/group' : ''}: ` +
      "without an entry for the image's user, user.Current fails (unless $USER and $HOME are set) and lookups " +
      'return Unknown*Error',
    fix: () =>
      "runtime('static') and runtime('scratch') write /etc/passwd and /etc/group with the image's user; " +
      'on an image base add the user to the base, or run as one it has with .user(uid:gid)',
  },
  'name-resolution': {
    severity: 'info',
    short: 'nsswitch',
    find: (b) => any(b, ['net.getSystemNSS']),
    message: () =>
      "Go's resolver reads /etc/nsswitch.conf for the order of /etc/hosts and DNS; without it Go uses /etc/hosts, " +
      'then DNS (container runtimes mount /etc/hosts and /etc/resolv.conf), so lookups still work',
    fix: () =>
      "add an /etc/nsswitch.conf ('hosts: files dns') to choose another order; " +
      "runtime('static') and runtime('scratch') write one",
  },
  'service-names': {
    severity: 'warning',
    short: 'services',
    find: (b) => any(b, ['net.readServices', 'net.LookupPort', 'net.(*Resolver).LookupPort']),
    message: () =>
      'net.LookupPort, and service names in addresses such as "db:postgresql", read /etc/services; ' +
      `without it only ${BUILTIN_SERVICES} resolve and other names fail with 'unknown port'`,
    fix: () => "runtime('static') writes /etc/services; elsewhere copy one in with .copy(...) or use port numbers",
  },
  'temp-dir': {
    severity: 'warning',
    short: 'tmp',
    find: (b) => any(b, ['os.TempDir', 'os.CreateTemp', 'os.MkdirTemp']),
    message: () =>
      'os.TempDir (and os.CreateTemp and os.MkdirTemp with dir "") use $TMPDIR or /tmp: without a directory the ' +
      "image's " +
      'user can write there, creating temp files fails',
    fix: () =>
      "runtime('static') and runtime('scratch') create /tmp with mode 1777; on an image base create it, " +
      'or set TMPDIR to a writable directory (a mounted volume)',
  },
  ...CONFIG_NEED_RULES,
  'cgo-stub': {
    severity: 'error',
    short: 'cgo stub',
    find: (b) =>
      b.evidence.settings['CGO_ENABLED'] === '1'
        ? []
        : STUBS.filter((k) => b.evidence.modules.includes(k.module)).map((k) => k.module),
    message: (ev) =>
      ev
        .map(
          (m) =>
            `${m} is linked as the stub it compiles with CGO_ENABLED=0: ` +
            `${STUBS.find((k) => k.module === m)!.note}`,
        )
        .join('; '),
    fix: (ev) =>
      ev.map((m) => `replace ${m} with ${STUBS.find((k) => k.module === m)!.replacement}`).join('; ') +
      `, or build with cgo: ${hint('cgo')} makes a static cgo build with zig or musl-gcc ` +
      '(without it gostatic builds with CGO_ENABLED=0, and no image can make the stub work)',
  },
}

/** The needs this binary, in an image with this config, shows evidence of, in NEED_RULES order. */
export function deriveNeeds(evidence: BinaryEvidence, config: ConfigEvidence = NO_CONFIG): Need[] {
  const names = new Set(evidence.functions)
  const index: Index = {
    has: (n) => names.has(n),
    hasPrefix: (p) => evidence.functions.some((n) => n.startsWith(p)),
    env: (key) => envValue(config.env, key),
    evidence,
  }
  const needs: Need[] = []
  for (const [id, rule] of Object.entries(NEED_RULES) as [NeedId, NeedRule][]) {
    const found = rule.find(index)
    if (found.length === 0) continue
    needs.push({
      id,
      severity: rule.severity,
      evidence: found,
      embedded: rule.embedded?.(index) ?? null,
      message: rule.message(found),
      fix: rule.fix(found),
    })
  }
  return needs
}
