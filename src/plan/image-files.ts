// An image's file set as the runtime-needs check sees it: every path after
// all layers are applied (whiteouts honoured), with type, mode and owner,
// plus the text of the few files whose content matters (passwd, group).
// Plain data; oci/ lists it from an archive, runtimeFileSet() from a plan.
import { resolveImagePath } from '../util/image-path.js'
import type { RuntimeFile, RuntimePlan } from './build-plan.js'
import { GO_ZONES } from './go-zones.js'

export type ImageEntryType = 'file' | 'dir' | 'symlink' | 'other'

export interface ImageEntry {
  readonly type: ImageEntryType
  /** Permission bits (0o7777). */
  readonly mode: number
  readonly uid: number
  readonly gid: number
  readonly size: number
  /** A symlink's target, as written. */
  readonly link?: string
}

export interface ImageFileSet {
  /** Keyed by path relative to the root, without a leading slash: 'etc/passwd'. */
  readonly entries: ReadonlyMap<string, ImageEntry>
  /** The text of each NEEDS_TEXT_FILES path that resolves to a regular file, keyed as given ('/etc/passwd'). */
  readonly texts: ReadonlyMap<string, string>
}

/** The files whose content the needs check reads; listers load these and nothing else. */
export const NEEDS_TEXT_FILES = ['/etc/passwd', '/etc/group'] as const

export interface Found {
  /** The resolved key. */
  readonly key: string
  /** null for a directory that only exists because something lies below it. */
  readonly entry: ImageEntry | null
}

/** What `path` resolves to, following symlinks inside the set; null when nothing is there. */
export function findPath(files: ImageFileSet, path: string): Found | null {
  const key = resolveImagePath(path, (k) => {
    const e = files.entries.get(k)
    return e?.type === 'symlink' ? e.link : undefined
  })
  if (key === null) return null
  const entry = files.entries.get(key)
  if (entry !== undefined) return { key, entry }
  return key === '' || hasBelow(files, key, () => true) ? { key, entry: null } : null
}

/** A regular file at `path` (through symlinks), optionally non-empty. */
export function isFile(files: ImageFileSet, path: string, nonEmpty = false): boolean {
  const f = findPath(files, path)
  return f?.entry?.type === 'file' && (!nonEmpty || f.entry.size > 0)
}

/** A directory at `path` (through symlinks), explicit or implied by what lies below it. */
export function findDir(files: ImageFileSet, path: string): Found | null {
  const f = findPath(files, path)
  return f !== null && (f.entry === null || f.entry.type === 'dir') ? f : null
}

/** Whether some entry below the directory key satisfies `test`. */
export function hasBelow(files: ImageFileSet, dirKey: string, test: (key: string, e: ImageEntry) => boolean): boolean {
  const prefix = dirKey === '' ? '' : `${dirKey}/`
  for (const [k, e] of files.entries) if (k.startsWith(prefix) && k !== dirKey && test(k, e)) return true
  return false
}

/** A file set from plain rows, for tests and for runtimeFileSet. */
export function fileSet(
  rows: Iterable<readonly [string, ImageEntry]>,
  texts: Iterable<readonly [string, string]> = [],
): ImageFileSet {
  const entries = new Map<string, ImageEntry>()
  // Most keys are already bare ('etc/passwd'): two regex replaces a row were half of a 100,000-file replay.
  for (const [path, e] of rows) entries.set(bare(path), e)
  return { entries, texts: new Map(texts) }
}

const bare = (path: string): string =>
  path.startsWith('/') || path.endsWith('/') ? path.replace(/^\/+/, '').replace(/\/+$/, '') : path

const fileEntry = (mode: number, size = 1): ImageEntry => ({ type: 'file', mode, uid: 0, gid: 0, size })

// One RuntimeFile as the entries it becomes in the image. A zoneinfo 'all'
// is the database the engine unpacks from Go's zoneinfo.zip: every zone name
// in it (GO_ZONES, the same Go's list).
const entriesOf: { [K in RuntimeFile['kind']]: (f: Extract<RuntimeFile, { kind: K }>) => [string, ImageEntry][] } = {
  text: (f) => [[f.path, { type: 'file', mode: f.mode, uid: f.uid, gid: f.gid, size: f.content.length }]],
  dir: (f) => [[f.path, { type: 'dir', mode: f.mode, uid: f.uid, gid: f.gid, size: 0 }]],
  'ca-bundle': (f) => [[f.path, fileEntry(f.mode)]],
  zoneinfo: (f) => [
    [f.path, { type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0 }],
    ...(f.zones === 'all' ? GO_ZONES : f.zones).map((z): [string, ImageEntry] => [`${f.path}/${z}`, fileEntry(0o644)]),
  ],
  'host-file': (f) => [[f.path, fileEntry(f.mode ?? 0o644)]],
}

/**
 * The files of an image gostatic assembles on a scratch or static base: the
 * plan's runtime files and the binary. For an image base, list the pulled
 * base's files instead and lay these over them.
 */
export function runtimeFileSet(runtime: RuntimePlan, under: ImageFileSet = fileSet([])): ImageFileSet {
  const rows: [string, ImageEntry][] = [...under.entries]
  for (const f of runtime.files) rows.push(...(entriesOf[f.kind] as (f: RuntimeFile) => [string, ImageEntry][])(f))
  rows.push([runtime.binaryPath, fileEntry(0o755)])
  const texts = new Map(under.texts)
  const wanted: readonly string[] = NEEDS_TEXT_FILES
  for (const f of runtime.files) if (f.kind === 'text' && wanted.includes(f.path)) texts.set(f.path, f.content)
  return fileSet(rows, texts)
}
