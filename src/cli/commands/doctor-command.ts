// `gostatic doctor`: prints the audit. Exits 1 on blockers, so it can gate a
// pipeline without failing on warnings; --strict fails on warnings too.
import { doctor, renderDoctorText } from '../../index.js'
import type { DoctorFlags } from '../parse-cli.js'

export async function doctorCommand(dir: string, flags: DoctorFlags): Promise<number> {
  const report = await doctor(dir, {
    main: flags.main,
    runtime: flags.runtime,
    platform: flags.platform,
    tags: flags.tags,
  })
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : renderDoctorText(report))
  if (!report.ok) return 1
  const warnings = report.findings.filter((f) => f.severity === 'warning').length
  if (!flags.strict || warnings === 0) return 0
  process.stderr.write(`doctor --strict: ${warnings} warning${warnings === 1 ? '' : 's'} (see above)\n`)
  return 1
}
