// Which running process made a temp file or folder, written into its name, so
// the next build can remove what a killed build (SIGKILL, power loss) left:
// its work folder holds the .netrc of a private module, and must not outlive it.
// A pid alone can be reused by a later process; the pid's start time cannot.
import { readFileSync } from 'node:fs'
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'

/** 'o<pid>.<start>': the start time is in clock ticks since boot (Linux), else 0. */
export const OWNER_TAG = `o${process.pid}.${startTime(process.pid) ?? 0}`

// The tag sits just before the name's random suffix, so a service name that looks like one is not read.
const TAG = /(?:^|-)o(\d+)\.(\d+)-[0-9A-Za-z]+$/

/** The owner tag in `name`, when it has one. */
export function ownerOf(name: string): { pid: number; start: number } | undefined {
  const m = TAG.exec(name)
  return m ? { pid: Number(m[1]), start: Number(m[2]) } : undefined
}

/** Whether the process that made `name` may still be running (a name without a tag: yes, leave it). */
export function ownerAlive(name: string): boolean {
  const o = ownerOf(name)
  if (o === undefined) return true
  if (o.pid === process.pid) return o.start === (startTime(process.pid) ?? 0)
  try {
    process.kill(o.pid, 0)
  } catch (e) {
    // EPERM: alive, but another user's. ESRCH: gone.
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false
  }
  const now = startTime(o.pid)
  return now === undefined || o.start === 0 || now === o.start
}

/** Removes the entries of `dir` whose name starts with `prefix` and whose owner is gone; never throws. */
export async function sweepDead(dir: string, prefix: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[])
  const dead = names.filter((n) => n.startsWith(prefix) && ownerOf(n) !== undefined && !ownerAlive(n))
  // Another user's folder, or one a concurrent sweep removed first: not ours to worry about.
  await Promise.all(dead.map((n) => rm(join(dir, n), { recursive: true, force: true }).catch(() => undefined)))
  return dead
}

/** Field 22 of /proc/<pid>/stat; undefined where there is no /proc or no such process. */
function startTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const v = Number(fields[19])
    return Number.isFinite(v) ? v : undefined
  } catch {
    return undefined
  }
}
