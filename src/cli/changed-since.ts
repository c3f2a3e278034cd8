// `gostatic build --changed-since <ref>`: the services `affected` selects,
// each named on stderr with its reason. When none is selected the build
// says so and writes nothing; it is never a silent empty success.
import type { BuildFlags } from './parse-cli.js'
import { reasonText } from '../index.js'
import { changedServices } from './commands/affected-command.js'
import type { LoadedServices } from './services-from-flags.js'

export async function onlyChanged(dir: string, flags: BuildFlags, since: string): Promise<LoadedServices | null> {
  const r = await changedServices(dir, flags, since, '--changed-since')
  const names = new Set(r.services.map((s) => s.name))
  const skipped = r.all.length - names.size
  for (const s of r.services) process.stderr.write(`${s.name}: building, ${reasonText(s.reason)}\n`)
  if (names.size === 0) {
    const msg = `nothing to build: none of ${r.all.length} service(s) is affected by the ${r.changed} file(s) changed`
    process.stderr.write(`${msg} since ${since} (merge base ${r.base.slice(0, 12)})\n`)
    if (flags.json) process.stdout.write('[]\n')
    return null
  }
  if (skipped > 0) process.stderr.write(`${skipped} service(s) unchanged since ${since}: not built\n`)
  const services = r.all.filter((s) => names.has(s.name))
  const workspace = r.workspace && { ...r.workspace, services }
  return { services, workspace, ...(r.repo ? { repo: r.repo } : {}) }
}
