// `gostatic affected`: the services whose inputs changed since a git ref,
// each with why, as lines or as a JSON array a CI matrix takes as is.
import { resolve } from 'node:path'
import type { AffectedFlags } from '../parse-cli.js'
import { loadServices } from '../services-from-flags.js'
import { affectedServices, findConfig, reasonText, type AffectedResult } from '../../index.js'

export async function affectedCommand(dir: string, flags: AffectedFlags): Promise<number> {
  const since = flags.since ?? 'HEAD'
  const result = await changedServices(dir, flags, since, '--since')
  if (flags.json) {
    process.stdout.write(JSON.stringify(result.services, null, 2) + '\n')
    return 0
  }
  if (result.services.length === 0) {
    const n = result.changed
    process.stdout.write(`no service is affected by the ${n} file(s) changed since ${since} (${short(result)})\n`)
    return 0
  }
  const width = Math.max(...result.services.map((s) => s.name.length))
  for (const s of result.services) process.stdout.write(`${s.name.padEnd(width)}  ${s.path}  ${reasonText(s.reason)}\n`)
  return 0
}

/** Shared with `build --changed-since`: the services loaded as the build loads them, then the affected ones. */
type SpecFlags = Parameters<typeof loadServices>[1]
export async function changedServices(dir: string, flags: SpecFlags, since: string, flag: string) {
  const { services, workspace, repo } = await loadServices(dir, flags)
  const configFile = flags.config ?? findConfig(resolve(dir))
  const root = workspace?.root ?? resolve(dir)
  const result = await affectedServices(services, { since, root, configFile, flag })
  return { ...result, all: services, workspace, ...(repo ? { repo } : {}) }
}

const short = (r: AffectedResult) => `merge base ${r.base.slice(0, 12)}`
