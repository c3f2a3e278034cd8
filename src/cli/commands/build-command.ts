// `gostatic build`: builds each service, exports its OCI archive, prints a
// summary (or JSON). One failing service does not stop the others.
import { resolve, join } from 'node:path'
import { ErrorCode, GostaticError, isGostaticError } from '../../errors.js'
import type { BuildFlags } from '../parse-cli.js'
import { servicesFromFlags } from '../services-from-flags.js'
import { formatError } from '../main.js'
import { formatEvent } from '../format-event.js'
import { summaryTable, type ServiceOutcome } from '../summary-table.js'

export async function buildCommand(dir: string, flags: BuildFlags): Promise<number> {
  const services = await servicesFromFlags(dir, flags)
  // One reference can't name several images: each service gets {name} filled in.
  if (flags.push !== undefined && services.length > 1 && !flags.push.includes('{name}'))
    throw new GostaticError(ErrorCode.INVALID_CONFIG, `--push ${flags.push} would publish ${services.length} services to one reference`, { hint: 'put {name} in it, e.g. --push 127.0.0.1:5000/team/{name}:1.0' })
  const outcomes: ServiceOutcome[] = []
  const pushed: string[] = []
  for (const svc of services) {
    const out = flags.out === undefined ? join('dist', `${svc.name}.tar`) : services.length > 1 ? join(flags.out, `${svc.name}.tar`) : flags.out
    const t0 = performance.now()
    try {
      const result = await svc.build({ engine: flags.engine, onEvent: (e) => flags.json || process.stderr.write(formatEvent(e)) })
      const archive = await result.exportTarball(out)
      const ref = flags.push === undefined ? undefined : await result.publish(flags.push.replaceAll('{name}', svc.name))
      if (ref !== undefined) pushed.push(`${svc.name}: pushed ${ref}`)
      const outcome = { service: svc.name, ok: true as const, report: result.report, archive: { path: resolve(archive.path), digest: archive.indexDigest, size: archive.size }, ms: Math.round(performance.now() - t0), ...(ref !== undefined ? { pushed: ref } : {}) }
      outcomes.push(outcome)
    } catch (e) {
      if (!isGostaticError(e)) throw e
      outcomes.push({ service: svc.name, ok: false, error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) }, ms: Math.round(performance.now() - t0) })
      if (!flags.json) process.stderr.write(`\n${svc.name}: ${formatError(e)}`)
    }
  }
  process.stdout.write(flags.json ? JSON.stringify(outcomes, null, 2) + '\n' : summaryTable(outcomes) + pushed.map((p) => `${p}\n`).join(''))
  return outcomes.every((o) => o.ok) ? 0 : 1
}
