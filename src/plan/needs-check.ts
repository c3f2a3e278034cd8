// The binary's needs against the image's real files. Pure: the caller lists
// the files (all layers, a pulled base's too) and passes the image's user
// and env. On a base gostatic makes (static) an unmet need comes back with
// the runtime files that meet it; elsewhere it stays unmet, for the verdicts
// in needs-verdicts.ts to turn into a warning or an error.
import type { NeedId } from '../spec/needs-options.js'
import type { NeedsPolicy, RuntimeBase, RuntimeFile, RuntimePlan } from './build-plan.js'
import { ETC_SERVICES } from './etc-services.js'
import { findDir, findPath, hasBelow, isFile } from './image-files.js'
import type { ImageEntry, ImageFileSet } from './image-files.js'
import { GROUP_LOOKUPS } from './runtime-needs.js'
import type { Need, NeedSeverity } from './runtime-needs.js'
import { CA_BUNDLE_PATH, NSSWITCH_CONF, ZONEINFO_PATH, text, tmpDir } from './runtime-plan.js'
import { colonFile, describeDir, envValue, imageUser, numericIds, writableBy } from './image-user.js'
import { CONFIG_CHECKS, CONFIG_FIXES, SCRATCH_FIXED, ZONE_DIRS, met, unmet } from './config-needs-check.js'
import type { Check } from './config-needs-check.js'
import { RUNTIME_BASES } from './runtime-bases.js'

export { ZONE_DIRS }

export interface ImageContext {
  readonly base: RuntimeBase['kind']
  readonly files: ImageFileSet
  /** The image config's User: 'uid[:gid]' or 'name[:group]'; null or '' runs as root. */
  readonly user: string | null
  /** The image config's Env, KEY=value. */
  readonly env: readonly string[]
}

export interface NeedVerdict {
  readonly id: NeedId
  /**
   * met: the image (or the binary) has it; added: files to add meet it (static base); ignored: by needs({ ignore }).
   */
  readonly status: 'met' | 'added' | 'unmet' | 'ignored'
  readonly severity: NeedSeverity
  readonly evidence: readonly string[]
  /** met and added: what meets it; unmet and ignored: what the image lacks. */
  readonly detail: string
  readonly message: string
  readonly fix: string
  /** For 'added': the runtime files that meet it. */
  readonly files: readonly RuntimeFile[]
}

export interface NeedsCheck {
  readonly verdicts: readonly NeedVerdict[]
  /** Every 'added' verdict's files, sorted by path: add them to the runtime (applyNeedFiles). */
  readonly add: readonly RuntimeFile[]
}

// Where Go looks, in its order: crypto/x509/root_linux.go, time/zoneinfo_unix.go.
export const CERT_FILES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
] as const
export const CERT_DIRS = ['/etc/ssl/certs', '/etc/pki/tls/certs'] as const

const CHECKS: Record<NeedId, (need: Need, img: ImageContext) => Check> = {
  zoneinfo: (need, img) => {
    if (need.embedded !== null) return met(need.embedded)
    const zi = envValue(img.env, 'ZONEINFO')
    if (zi !== undefined && findPath(img.files, zi) !== null) return met(`ZONEINFO=${zi} is in the image`)
    for (const dir of ZONE_DIRS) {
      const d = findDir(img.files, dir)
      if (d !== null && hasBelow(img.files, d.key, (_k, e) => e.type !== 'dir')) return met(`zone files in ${dir}`)
    }
    return unmet(
      `no zone files in ${ZONE_DIRS.join(', ')}${zi === undefined ? '' : `, and ZONEINFO=${zi} is not in the image`}`,
    )
  },
  'ca-roots': (need, img) => {
    if (need.embedded !== null) return met(need.embedded)
    const file = envValue(img.env, 'SSL_CERT_FILE')
    for (const f of file === undefined ? CERT_FILES : [file]) {
      if (isFile(img.files, f, true)) return met(file === undefined ? `a CA bundle at ${f}` : `SSL_CERT_FILE=${f}`)
    }
    const dirs = envValue(img.env, 'SSL_CERT_DIR')?.split(':').filter(Boolean) ?? CERT_DIRS
    for (const dir of dirs) {
      const d = findDir(img.files, dir)
      if (d === null) continue
      // Go reads the directory's own files (symlinks followed), not its subdirectories.
      const direct = (k: string): boolean =>
        !k.slice(d.key.length + 1).includes('/') && isFile(img.files, `/${k}`, true)
      if (hasBelow(img.files, d.key, direct)) return met(`certificates in ${dir}`)
    }
    const where =
      file === undefined
        ? `no CA bundle at ${CERT_FILES.join(', ')}`
        : `SSL_CERT_FILE=${file} is not a file in the image`
    return unmet(`${where}, and no certificates in ${dirs.join(', ')}`)
  },
  users: (need, img) => {
    const who = imageUser(img)
    const passwd = colonFile(img.files, '/etc/passwd')
    if (passwd === null) return unmet('the image has no /etc/passwd')
    const entry = passwd.find((r) => (who.numeric ? r[2] === who.user : r[0] === who.user))
    if (entry === undefined) return unmet(`/etc/passwd has no entry for ${who.numeric ? 'uid ' : 'user '}${who.user}`)
    const user = `/etc/passwd has ${entry[0]} (uid ${entry[2]})`
    if (!need.evidence.some((e) => (GROUP_LOOKUPS as readonly string[]).includes(e))) return met(user)
    const gid = who.group ?? entry[3] ?? ''
    const group = colonFile(img.files, '/etc/group')?.find((r) => (/^\d+$/.test(gid) ? r[2] === gid : r[0] === gid))
    if (group === undefined) return unmet(`${user} but /etc/group has no group ${gid}`)
    return met(`${user} and group ${group[0]} (gid ${group[2]})`)
  },
  'name-resolution': (_need, img) =>
    isFile(img.files, '/etc/nsswitch.conf') ? met('/etc/nsswitch.conf') : unmet('the image has no /etc/nsswitch.conf'),
  'service-names': (_need, img) =>
    isFile(img.files, '/etc/services') ? met('/etc/services') : unmet('the image has no /etc/services'),
  'temp-dir': (_need, img) => {
    const dir = tempDirOf(img)
    const d = findDir(img.files, dir)
    if (d === null) return unmet(`${dir} is not a directory in the image`)
    const ids = numericIds(img)
    if (ids.uid === null)
      return unmet(`the image's user ${img.user} has no /etc/passwd entry, so ${dir} cannot be checked`)
    const e: ImageEntry = d.entry ?? { type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0 }
    const writable = writableBy(e, { uid: ids.uid, gid: ids.gid })
    const what = `${dir} (${describeDir(e)})`
    return writable ? met(`${what} is writable by uid ${ids.uid}`) : unmet(`${what} is not writable by uid ${ids.uid}`)
  },
  ...CONFIG_CHECKS,
  'cgo-stub': () => unmet('no file in an image can make a cgo stub work'),
}

// What a static base adds for an unmet need, beyond what runtimePlan already wrote.
const FIXES: Record<NeedId, (img: ImageContext) => RuntimeFile[]> = {
  zoneinfo: () => [{ kind: 'zoneinfo', path: ZONEINFO_PATH, zones: 'all' }],
  'ca-roots': (img) => [
    {
      kind: 'ca-bundle',
      path: envValue(img.env, 'SSL_CERT_FILE') ?? CA_BUNDLE_PATH,
      mode: 0o644,
      source: { kind: 'node-root-store' },
    },
  ],
  // runtimePlan writes passwd and group with the image's user on scratch and static.
  users: () => [],
  'name-resolution': () => [text('/etc/nsswitch.conf', NSSWITCH_CONF)],
  'service-names': () => [text('/etc/services', ETC_SERVICES)],
  'temp-dir': (img) => [tmpDir(tempDirOf(img))],
  ...CONFIG_FIXES,
  'cgo-stub': () => [],
}

/** Checks each need against the image; on a static base, unmet needs come back with the files that meet them. */
export function checkNeeds(needs: readonly Need[], img: ImageContext, policy: NeedsPolicy): NeedsCheck {
  const verdicts = needs.map((need): NeedVerdict => {
    const c = CHECKS[need.id](need, img)
    const base = { id: need.id, severity: need.severity, evidence: need.evidence, message: need.message, fix: need.fix }
    if (c.met) return { ...base, status: 'met', detail: c.detail, files: [] }
    if (policy.ignore.includes(need.id)) return { ...base, status: 'ignored', detail: c.detail, files: [] }
    // scratch has the passwd entry gostatic writes, so it makes the home that entry names (SCRATCH_FIXED).
    const fixes = RUNTIME_BASES[img.base].meetsNeeds || (img.base === 'scratch' && SCRATCH_FIXED.includes(need.id))
    const files = fixes && !policy.declined.includes(need.id) ? FIXES[need.id](img) : []
    if (files.length === 0) return { ...base, status: 'unmet', detail: c.detail, files }
    return { ...base, status: 'added', detail: `${c.detail}; adds ${files.map(describeFile).join(', ')}`, files }
  })
  const add = mergeFiles(
    [],
    verdicts.flatMap((v) => v.files),
  )
  return { verdicts, add }
}

/** The runtime with the needs' files added (a path the plan already has keeps the plan's file). */
export function applyNeedFiles(runtime: RuntimePlan, add: readonly RuntimeFile[]): RuntimePlan {
  return { ...runtime, files: mergeFiles(runtime.files, add) }
}

// Sorted by path, one file a path: the first one given wins, except that zone
// lists at one path are joined (a TZ's zone added to the zones the plan lists).
function mergeFiles(have: readonly RuntimeFile[], add: readonly RuntimeFile[]): RuntimeFile[] {
  const byPath = new Map<string, RuntimeFile>()
  for (const f of [...have, ...add]) {
    const old = byPath.get(f.path)
    if (old === undefined) byPath.set(f.path, f)
    else if (old.kind === 'zoneinfo' && f.kind === 'zoneinfo' && old.zones !== 'all')
      byPath.set(f.path, { ...old, zones: f.zones === 'all' ? 'all' : [...new Set([...old.zones, ...f.zones])].sort() })
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

function describeFile(f: RuntimeFile): string {
  return f.kind === 'zoneinfo' ? `${f.path} (${f.zones === 'all' ? 'all zones' : f.zones.join(', ')})` : f.path
}

function tempDirOf(img: ImageContext): string {
  return envValue(img.env, 'TMPDIR') ?? '/tmp'
}
