// `gostatic inspect`: prints what inspect() found, for a file or a pushed
// image. It reports and does not judge, so a dynamic or packed binary still
// exits 0; errors are GostaticErrors that main.ts prints. --html also writes
// the report as a page, with the file listing only the page needs.
import { inspect, renderInspectText, writeReportHtml, type InspectReport } from '../../index.js'
import type { InspectFlags } from '../parse-cli.js'

export async function inspectCommand(target: string, flags: InspectFlags): Promise<number> {
  const platform = flags.platform === undefined ? {} : { platform: flags.platform }
  const report = await inspect(target, { ...platform, files: flags.html !== undefined })
  if (flags.html !== undefined) {
    const path = await writeReportHtml(report, flags.html)
    process.stderr.write(`wrote ${path}\n`)
  }
  const shown = withoutFiles(report)
  process.stdout.write(flags.json ? JSON.stringify(shown, null, 2) + '\n' : await renderInspectText(shown))
  return 0
}

// stdout stays what it is without --html.
function withoutFiles(r: InspectReport): InspectReport {
  if (r.kind === 'binary') return r
  return { ...r, platforms: r.platforms.map(({ files: _files, ...p }) => p) }
}
