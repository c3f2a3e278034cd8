// The image config as a container runtime reads it: env values, the user's
// uid, gid and home from /etc/passwd and /etc/group, and whether that user
// can write a directory. Pure; shared by the needs checks.
import type { ImageEntry, ImageFileSet } from './image-files.js'

/** The minimum of an image context these helpers read. */
export interface ImageUserContext {
  readonly files: ImageFileSet
  /** The image config's User: 'uid[:gid]' or 'name[:group]'; null or '' runs as root. */
  readonly user: string | null
  readonly env: readonly string[]
}

/** The last KEY=value for the key, as a process sees it; an empty value counts as unset. */
export function envValue(env: readonly string[], key: string): string | undefined {
  const v = env.findLast((e) => e.startsWith(`${key}=`))?.slice(key.length + 1)
  return v === '' ? undefined : v
}

export function colonFile(files: ImageFileSet, path: '/etc/passwd' | '/etc/group'): string[][] | null {
  const t = files.texts.get(path)
  if (t === undefined) return null
  return t
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(':'))
}

// As runtimes read User: 'user[:group]', each a number or a name; unset is root.
export function imageUser(img: ImageUserContext): { user: string; numeric: boolean; group: string | undefined } {
  const [user = '', group] = (img.user ?? '').split(':')
  const u = user === '' ? '0' : user
  return { user: u, numeric: /^\d+$/.test(u), group: group === '' ? undefined : group }
}

/** The image user's /etc/passwd row, if it has one. */
export function passwdEntry(img: ImageUserContext): string[] | undefined {
  const who = imageUser(img)
  return colonFile(img.files, '/etc/passwd')?.find((r) => (who.numeric ? r[2] === who.user : r[0] === who.user))
}

export function numericIds(img: ImageUserContext): { uid: number | null; gid: number } {
  const who = imageUser(img)
  const entry = passwdEntry(img)
  const uid = who.numeric ? Number(who.user) : entry === undefined ? null : Number(entry[2])
  const g = who.group ?? entry?.[3] ?? '0'
  const named = (): number => Number(colonFile(img.files, '/etc/group')?.find((r) => r[0] === g)?.[2] ?? 0)
  const gid = /^\d+$/.test(g) ? Number(g) : named()
  return { uid, gid }
}

/**
 * The HOME a process in the image gets: the env's, else (as docker and runc
 * set it) the passwd entry's home directory, else '/'.
 */
export function homeOf(img: ImageUserContext): { path: string; from: string } {
  const env = envValue(img.env, 'HOME')
  if (env !== undefined) return { path: env, from: 'HOME in the image env' }
  const home = passwdEntry(img)?.[5]
  if (home !== undefined && home !== '') return { path: home, from: "the user's /etc/passwd entry" }
  return { path: '/', from: "the runtime's default, as the user has no /etc/passwd home" }
}

/** Whether uid:gid may create files in a directory with this entry. */
export function writableBy(e: ImageEntry, ids: { uid: number; gid: number }): boolean {
  return (
    ids.uid === 0 ||
    (e.mode & 0o002) !== 0 ||
    (e.uid === ids.uid && (e.mode & 0o200) !== 0) ||
    (e.gid === ids.gid && (e.mode & 0o020) !== 0)
  )
}

/** 'mode 0700, owner 65532:65532' for a message. */
export function describeDir(e: ImageEntry): string {
  return `mode ${(e.mode & 0o7777).toString(8).padStart(4, '0')}, owner ${e.uid}:${e.gid}`
}
