// `gostatic inspect`: prints what inspect() found, for a file or a pushed
// image. It reports and does not judge, so a dynamic or packed binary still
// exits 0; errors are GostaticErrors that main.ts prints.
import { inspect } from '../../api/inspect-target.js'
import { renderReportText } from '../../inspect/report-text.js'
import type { InspectFlags } from '../parse-cli.js'

export async function inspectCommand(target: string, flags: InspectFlags): Promise<number> {
  const report = await inspect(target, flags.platform === undefined ? {} : { platform: flags.platform })
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : renderReportText(report))
  return 0
}
