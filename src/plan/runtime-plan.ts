// What the runtime stage holds: base, files, image config. Pure.
import type { ServiceSpec } from '../spec/service-spec.js'
import type { RuntimeBase, RuntimeFile, RuntimePlan } from './build-plan.js'
import { sortKeys, sortedEntries } from '../util/sorted.js'
import { assertNoPathClash } from './path-clash.js'
import { CA_BUNDLE_PATH, caSource } from './ca-bundle.js'
import { assertKnownTz } from './tz-env.js'
import { baseOf, baseRow, NONROOT_UID } from './runtime-bases.js'
import { BINARIES_ANNOTATION } from './binaries.js'

export { CA_BUNDLE_PATH }

export const ZONEINFO_PATH = '/usr/share/zoneinfo'
export { NONROOT_UID }
export const NSSWITCH_CONF = 'hosts: files dns\n'

export function runtimeBase(spec: ServiceSpec): RuntimeBase {
  return baseOf(spec.runtime)
}

/** Time zones go into the image as files where we own the base, else into the binary. */
export function tzStrategy(spec: ServiceSpec): 'none' | 'files' | 'timetzdata' {
  if (spec.timezones === undefined) return 'none'
  return baseRow(runtimeBase(spec)).zones(spec.timezones)
}

export function runtimePlan(spec: ServiceSpec): RuntimePlan {
  const base = runtimeBase(spec)
  assertKnownTz(spec.name, spec.runtimeEnv['TZ'])
  const binaryPath = spec.binaryPath ?? `/usr/local/bin/${spec.name}`
  const user = effectiveUser(spec)
  const [uid, gid] = parseUser(user ?? '0')
  const files: RuntimeFile[] = []
  if (baseRow(base).owned) {
    files.push(text('/etc/passwd', passwd(uid, gid)), text('/etc/group', group(gid)))
    files.push(text('/etc/nsswitch.conf', NSSWITCH_CONF))
    files.push(tmpDir('/tmp'))
    if (uid !== 0) files.push({ kind: 'dir', path: homeOf(uid), mode: 0o700, uid, gid })
  }
  const ca = caSource(spec)
  if (ca) files.push({ kind: 'ca-bundle', path: CA_BUNDLE_PATH, mode: 0o644, source: ca })
  if (tzStrategy(spec) === 'files') files.push({ kind: 'zoneinfo', path: ZONEINFO_PATH, zones: spec.timezones! })
  for (const f of spec.files) files.push({ kind: 'host-file', from: f.from, path: f.to, mode: f.mode ?? null })
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  assertNoPathClash(
    spec.name,
    binaryPath,
    spec.workdir,
    files,
    spec.binaries.map((b) => b.path),
  )

  // An image base keeps its own PATH (and the rest of its env) unless overridden.
  const env = [...baseRow(base).env]
  if (ca) env.push(`SSL_CERT_FILE=${CA_BUNDLE_PATH}`)
  for (const [k, v] of sortedEntries(spec.runtimeEnv)) env.push(`${k}=${v}`)

  // `-X main.version=…` is the version the binary reports; a label the user gives wins.
  const version = spec.ldflags.X['main.version']
  const labels: Record<string, string> = {
    'org.opencontainers.image.title': spec.name,
    ...(version ? { 'org.opencontainers.image.version': version } : {}),
    ...spec.labels,
  }
  const reason = spec.upx?.policy.allowProduction?.reason
  if (reason !== undefined && spec.environment === 'production') labels['dev.gostatic.upx.production-reason'] = reason

  return {
    base,
    binaryPath,
    files,
    config: {
      entrypoint: spec.entrypoint ?? [binaryPath],
      cmd: spec.args,
      env,
      user,
      workdir: spec.workdir,
      exposedPorts: [
        ...new Set(spec.ports.map((p) => (typeof p === 'number' || !p.includes('/') ? `${p}/tcp` : p))),
      ].sort(),
      labels: sortKeys(labels),
    },
    annotations: sortKeys({
      ...spec.annotations,
      ...(spec.binaries.length ? { [BINARIES_ANNOTATION]: JSON.stringify(spec.binaries.map((b) => b.path)) } : {}),
    }),
  }
}

/** The image's user: given, or nonroot on bases gostatic makes, or null to keep an image base's own. */
export function effectiveUser(spec: ServiceSpec): string | null {
  if (spec.user !== undefined) return spec.user
  return baseRow(runtimeBase(spec)).defaultUser
}

function parseUser(user: string): [number, number] {
  const [u, g] = user.split(':')
  const uid = Number(u)
  return [uid, g === undefined ? uid : Number(g)]
}

function homeOf(uid: number): string {
  return uid === NONROOT_UID ? '/home/nonroot' : `/home/app`
}

function passwd(uid: number, gid: number): string {
  const lines = [
    'root:x:0:0:root:/root:/sbin/nologin',
    `nonroot:x:${NONROOT_UID}:${NONROOT_UID}:nonroot:/home/nonroot:/sbin/nologin`,
  ]
  if (uid !== 0 && uid !== NONROOT_UID) lines.push(`app:x:${uid}:${gid}:app:/home/app:/sbin/nologin`)
  return lines.join('\n') + '\n'
}

function group(gid: number): string {
  const lines = ['root:x:0:', `nonroot:x:${NONROOT_UID}:`]
  if (gid !== 0 && gid !== NONROOT_UID) lines.push(`app:x:${gid}:`)
  return lines.join('\n') + '\n'
}

/** A root-owned 0644 text file. */
export function text(path: string, content: string): RuntimeFile {
  return { kind: 'text', path, mode: 0o644, uid: 0, gid: 0, content }
}

/** A world-writable, sticky directory, as /tmp is. */
export function tmpDir(path: string): RuntimeFile {
  return { kind: 'dir', path, mode: 0o1777, uid: 0, gid: 0 }
}
