// `gostatic doctor`: prints the audit. Exits 1 only on blockers, so it can
// gate a pipeline without failing on warnings.
import { doctor, renderDoctorText } from '../../index.js'
import type { DoctorFlags } from '../parse-cli.js'

export async function doctorCommand(dir: string, flags: DoctorFlags): Promise<number> {
  const report = await doctor(dir, { main: flags.main, runtime: flags.runtime, platform: flags.platform, tags: flags.tags })
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : renderDoctorText(report))
  return report.ok ? 0 : 1
}
