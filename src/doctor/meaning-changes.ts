// Standard-library uses that behave differently in a CGO_ENABLED=0 binary on
// a minimal base, and what gostatic's plan does about each for a runtime.
// Pure: the texts follow runtime-plan.ts and must change with it.
import type { RuntimeBase } from '../plan/build-plan.js'
import { CA_BUNDLE_PATH, NONROOT_UID, ZONEINFO_PATH } from '../plan/runtime-plan.js'
import type { Severity, Topic } from './doctor-report.js'
import type { TzCall } from './tz-scan.js'
import { baseName, baseRow } from '../plan/runtime-bases.js'
import { hint } from '../hints.js'

/** A base gostatic makes that has no CA bundle unless asked (scratch). */
const bareCa = (base: RuntimeBase) => baseRow(base).owned && !baseRow(base).caByDefault

export interface TopicVerdict {
  readonly severity: Severity
  readonly message: string
  readonly planDoes: string
  readonly youChoose: string
}

export interface TopicContext {
  readonly base: RuntimeBase
  readonly tzCalls: readonly TzCall[]
  /** The program imports time/tzdata, so the tz database is already in the binary. */
  readonly tzdataEmbedded: boolean
}

type Rule = (c: TopicContext) => TopicVerdict

export const TOPIC_RULES: { readonly [T in Topic]: Rule } = {
  'os/user': ({ base }) => ({
    severity: baseRow(base).owned ? 'info' : 'warning',
    message:
      'with cgo off, os/user reads /etc/passwd and /etc/group itself (no NSS, so no LDAP or sssd users). ' +
      "Without an entry, user.Current() fails with 'user: Current requires cgo or $USER set in environment' and " +
      "user.LookupId with 'user: unknown userid N' (or 'open /etc/passwd: no such file or directory' on a bare " +
      'scratch)',
    planDoes: !baseRow(base).owned
      ? `nothing: ${baseName(base)} keeps its own /etc/passwd (the plan warns when user() names a UID it may lack)`
      : `writes /etc/passwd and /etc/group with root, nonroot (${NONROOT_UID}) and the image user, so ` +
        `user.Current() resolves`,
    youChoose: !baseRow(base).owned
      ? `run as a UID ${baseName(base)} has a passwd entry for`
      : `nothing, unless the service looks up other users: keep user('${NONROOT_UID}:${NONROOT_UID}') or give ` +
        `another numeric uid:gid (added as 'app')`,
  }),
  net: ({ base }) => ({
    severity: 'info',
    message:
      "with cgo off, name lookups always use Go's own resolver: /etc/hosts, /etc/resolv.conf and the hosts " +
      'line of /etc/nsswitch.conf. NSS modules (mdns, ldap, nss-resolve) are never asked',
    planDoes: !baseRow(base).owned
      ? `nothing: ${baseName(base)}'s own /etc/nsswitch.conf is used, if it has one`
      : "writes /etc/nsswitch.conf ('hosts: files dns'); the container runtime mounts /etc/hosts and /etc/resolv.conf",
    youChoose:
      'nothing for DNS and /etc/hosts names; names only an NSS module knows (mDNS .local, LDAP hosts) will ' +
      'not resolve',
  }),
  'crypto/x509': ({ base }) => ({
    severity: bareCa(base) ? 'warning' : 'info',
    message:
      "TLS clients check servers against the image's CA bundle; with none, every HTTPS call fails with " +
      "'x509: certificate signed by unknown authority' (true with or without cgo on Linux; scratch has no bundle)",
    planDoes: baseRow(base).caByDefault
      ? `ships Mozilla's root store (Node's copy) at ${CA_BUNDLE_PATH} and sets SSL_CERT_FILE`
      : bareCa(base)
        ? `no CA bundle on ${baseName(base)} unless ${hint('ca-certificates')}; the plan warns`
        : `nothing: ${baseName(base)}'s own bundle is used, if it has one (${hint('ca-certificates')} adds ` +
          `${CA_BUNDLE_PATH})`,
    youChoose: bareCa(base)
      ? `${hint('ca-certificates')} or ${hint('runtime', { base: 'static' })} if the service makes outbound TLS ` +
        'calls; nothing if it only serves'
      : `nothing for public CAs; a private CA goes in with ${hint('copy-ca')} (Go ` +
        'also reads every file in /etc/ssl/certs)',
  }),
  'time.LoadLocation': ({ base, tzCalls, tzdataEmbedded }) => {
    const zones = [...new Set(tzCalls.flatMap((c) => (c.zone ? [c.zone] : [])))].sort()
    const dynamic = tzCalls.some((c) => c.zone === null)
    const tz = (z: readonly string[] | 'all') => hint('timezones', { zones: z })
    const list = tz(zones.length ? zones : ['Europe/Berlin', '...'])
    const anyZones = hint('timezones', { zones: ['...'] })
    return {
      severity: tzdataEmbedded ? 'info' : 'warning',
      message:
        `time.LoadLocation reads ${ZONEINFO_PATH} (or $ZONEINFO); without zoneinfo it fails with 'unknown ` +
        `time zone <name>'`,
      planDoes: tzdataEmbedded
        ? 'nothing needed: the program imports time/tzdata, so the tz database is in the binary'
        : baseRow(base).meetsNeeds
          ? `ships the zones given to ${anyZones} under ${ZONEINFO_PATH}; ` +
            `without ${anyZones}, the build adds all zones when the binary calls time.LoadLocation`
          : baseRow(base).owned
            ? `ships the zones given to ${anyZones} under ${ZONEINFO_PATH}; ` +
              `${tz('all')} embeds the tz database (-tags timetzdata, ~450 KB); without ${anyZones}, nothing, ` +
              'and the build warns'
            : `${anyZones} embeds the tz database (-tags timetzdata, ~450 KB) because gostatic does not own ` +
              `${baseName(base)}'s files; without it, ${baseName(base)}'s own zoneinfo is used, if any`,
      youChoose: tzdataEmbedded
        ? 'nothing'
        : dynamic
          ? `${tz('all')} (a zone name comes from a variable)${zones.length ? `, or at least ${list}` : ''}`
          : list,
    }
  },
  plugin: () => ({
    severity: 'blocker',
    message:
      'plugin.Open loads a shared object with the C dynamic loader, which a static CGO_ENABLED=0 binary does ' +
      "not have; the package compiles to a stub whose Open fails with 'plugin: not implemented'",
    planDoes: 'nothing can: gostatic builds static binaries only',
    youChoose: 'compile the plugins in, or run them as subprocesses or over RPC (e.g. github.com/hashicorp/go-plugin)',
  }),
}

/**
 * The package whose presence in the CGO_ENABLED=0 graph raises each topic (time.LoadLocation is found by a source scan
 * instead).
 */
export const TOPIC_PACKAGES: { readonly [T in Exclude<Topic, 'time.LoadLocation'>]: string } = {
  'os/user': 'os/user',
  net: 'net',
  'crypto/x509': 'crypto/x509',
  plugin: 'plugin',
}
