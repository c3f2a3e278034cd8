// `gostatic inspect`: prints what inspect() found. It reports and does not
// judge, so a dynamic or packed binary still exits 0; errors are GostaticErrors
// that main.ts prints.
import { inspect } from '../../inspect/inspect.js'
import { renderReportText } from '../../inspect/report-text.js'

export async function inspectCommand(target: string, json: boolean): Promise<number> {
  const report = await inspect(target)
  process.stdout.write(json ? JSON.stringify(report, null, 2) + '\n' : renderReportText(report))
  return 0
}
