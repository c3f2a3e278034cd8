// `gostatic build`: builds each service, exports its OCI archive, prints a
// summary (or JSON). One failing service does not stop the others.
import { resolve, join } from 'node:path'
import { isGostaticError } from '../../errors.js'
import type { BuildFlags } from '../parse-cli.js'
import { servicesFromFlags } from '../services-from-flags.js'
import { formatError } from '../main.js'
import { formatEvent } from '../format-event.js'
import { summaryTable, type ServiceOutcome } from '../summary-table.js'

export async function buildCommand(dir: string, flags: BuildFlags): Promise<number> {
  const services = await servicesFromFlags(dir, flags)
  const outcomes: ServiceOutcome[] = []
  for (const svc of services) {
    const out = flags.out === undefined ? join('dist', `${svc.name}.tar`) : services.length > 1 ? join(flags.out, `${svc.name}.tar`) : flags.out
    const t0 = performance.now()
    try {
      const result = await svc.build({ engine: flags.engine, onEvent: (e) => flags.json || process.stderr.write(formatEvent(e)) })
      const archive = await result.exportTarball(out)
      outcomes.push({ service: svc.name, ok: true, report: result.report, archive: { path: resolve(archive.path), digest: archive.indexDigest, size: archive.size }, ms: Math.round(performance.now() - t0) })
    } catch (e) {
      if (!isGostaticError(e)) throw e
      outcomes.push({ service: svc.name, ok: false, error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) }, ms: Math.round(performance.now() - t0) })
      if (!flags.json) process.stderr.write(`\n${svc.name}: ${formatError(e)}`)
    }
  }
  process.stdout.write(flags.json ? JSON.stringify(outcomes, null, 2) + '\n' : summaryTable(outcomes))
  return outcomes.every((o) => o.ok) ? 0 : 1
}
