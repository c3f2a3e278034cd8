// The config needs (config-needs.ts) against the image's files: the TZ
// zone's file, the paths SSL_CERT_FILE, SSL_CERT_DIR and ZONEINFO name, and
// a home the image's user can write. What a static base adds when they are
// unmet, and the one need scratch fixes too (the home, beside the passwd
// entry gostatic writes there). Pure.
import type { NeedId } from '../spec/needs-options.js'
import type { RuntimeFile } from './build-plan.js'
import type { ConfigNeedId } from './config-needs.js'
import { findDir, findPath, hasBelow, isFile } from './image-files.js'
import type { ImageFileSet } from './image-files.js'
import { describeDir, envValue, homeOf, numericIds, writableBy } from './image-user.js'
import type { ImageUserContext } from './image-user.js'
import type { Need } from './runtime-needs.js'
import { isGoZone, readTz } from './tz-env.js'

export type Check = { readonly met: boolean; readonly detail: string }
export const met = (detail: string): Check => ({ met: true, detail })
export const unmet = (detail: string): Check => ({ met: false, detail })

// Go's zone directories (time/zoneinfo_unix.go), and the zone files' home on a base gostatic makes.
export const ZONE_DIRS = [
  '/usr/share/zoneinfo',
  '/usr/share/lib/zoneinfo',
  '/usr/lib/locale/TZ',
  '/etc/zoneinfo',
] as const
const ZONEINFO_PATH = '/usr/share/zoneinfo'
const BUNDLE_NAME = 'ca-certificates.crt'

/** A directory holding a file directly (through symlinks): what Go's SSL_CERT_DIR read finds. */
export function hasCertIn(files: ImageFileSet, dir: string): boolean {
  const d = findDir(files, dir)
  if (d === null) return false
  const direct = (k: string): boolean => !k.slice(d.key.length + 1).includes('/') && isFile(files, `/${k}`, true)
  return hasBelow(files, d.key, direct)
}

/** Each path variable that names nothing the image holds, as 'KEY=value'. */
function missingPaths(img: ImageUserContext): { key: string; value: string; missing: string[] }[] {
  const out: { key: string; value: string; missing: string[] }[] = []
  const file = envValue(img.env, 'SSL_CERT_FILE')
  if (file !== undefined && !isFile(img.files, file, true))
    out.push({ key: 'SSL_CERT_FILE', value: file, missing: [file] })
  const dirs = envValue(img.env, 'SSL_CERT_DIR')
  const empty = dirs?.split(':').filter((d) => d !== '' && !hasCertIn(img.files, d)) ?? []
  if (dirs !== undefined && empty.length > 0) out.push({ key: 'SSL_CERT_DIR', value: dirs, missing: empty })
  const zi = envValue(img.env, 'ZONEINFO')
  if (zi !== undefined && findPath(img.files, zi) === null) out.push({ key: 'ZONEINFO', value: zi, missing: [zi] })
  return out
}

export const CONFIG_CHECKS: Record<ConfigNeedId, (need: Need, img: ImageUserContext) => Check> = {
  'local-zone': (need, img) => {
    if (need.embedded !== null) return met(need.embedded)
    const tz = readTz(envValue(img.env, 'TZ'))
    if (tz.kind === 'utc') return met('TZ names UTC, which needs no file')
    if (tz.kind === 'path') {
      if (isFile(img.files, tz.path)) return met(`${tz.path} is in the image`)
      return unmet(`${tz.path} is not a file in the image`)
    }
    if (!isGoZone(tz.zone)) return unmet(`TZ=${tz.zone} names no zone in Go's time zone database`)
    const at = ZONE_DIRS.map((d) => `${d}/${tz.zone}`).find((p) => isFile(img.files, p))
    if (at !== undefined) return met(`${at} is in the image`)
    return unmet(`no ${tz.zone} file in ${ZONE_DIRS.join(', ')}`)
  },
  'env-paths': (_need, img) => {
    const missing = missingPaths(img)
    if (missing.length === 0) return met('each path is in the image')
    const lines = missing.map((m) => `${m.key}: ${m.missing.join(', ')} ${m.missing.length === 1 ? 'is' : 'are'} not`)
    return unmet(`${lines.join('; ')} in the image`)
  },
  home: (_need, img) => {
    const home = homeOf(img)
    const d = findDir(img.files, home.path)
    const what = `the home ${home.path} (from ${home.from})`
    if (d === null) return unmet(`${what} is not a directory in the image`)
    const ids = numericIds(img)
    if (ids.uid === null)
      return unmet(`the image's user ${img.user} has no /etc/passwd entry, so ${what} cannot be checked`)
    const e = d.entry ?? { type: 'dir' as const, mode: 0o755, uid: 0, gid: 0, size: 0 }
    const how = `${what} (${describeDir(e)})`
    if (writableBy(e, { uid: ids.uid, gid: ids.gid })) return met(`${how} is writable by uid ${ids.uid}`)
    return unmet(`${how} is not writable by uid ${ids.uid}`)
  },
}

export const CONFIG_FIXES: Record<ConfigNeedId, (img: ImageUserContext) => RuntimeFile[]> = {
  'local-zone': (img) => {
    const tz = readTz(envValue(img.env, 'TZ'))
    if (tz.kind !== 'zone' || !isGoZone(tz.zone)) return []
    return [{ kind: 'zoneinfo', path: ZONEINFO_PATH, zones: [tz.zone] }]
  },
  'env-paths': (img) =>
    missingPaths(img).flatMap(({ key, missing }): RuntimeFile[] => {
      const bundle = (path: string): RuntimeFile => ({
        kind: 'ca-bundle',
        path,
        mode: 0o644,
        source: { kind: 'node-root-store' },
      })
      if (key === 'SSL_CERT_FILE') return missing.map(bundle)
      if (key === 'SSL_CERT_DIR') return missing.map((d) => bundle(`${d.replace(/\/+$/, '')}/${BUNDLE_NAME}`))
      // ZONEINFO may name a directory or a zip; gostatic writes the directory form.
      return missing.filter((p) => !p.endsWith('.zip')).map((p) => ({ kind: 'zoneinfo', path: p, zones: 'all' }))
    }),
  home: (img) => {
    const home = homeOf(img).path
    const { uid, gid } = numericIds(img)
    return uid === null || home === '/' ? [] : [{ kind: 'dir', path: home, mode: 0o700, uid, gid }]
  },
}

/** Needs a scratch base fixes too: gostatic writes scratch's passwd, so it makes the home it names. */
export const SCRATCH_FIXED: readonly NeedId[] = ['home']
