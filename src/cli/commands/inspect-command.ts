// `gostatic inspect`: prints what inspect() found, for a file or a pushed
// image. It reports and does not judge unless --strict asks it to: then a
// failing verdict (dynamic linkage, an unmet need, a cgo stub, an entrypoint
// that is not there) is listed on stderr and the exit status is 1, so CI can
// gate on it. --html also writes the report as a page, with the file listing
// only the page needs.
import { inspect, renderInspectText, strictFailures, writeReportHtml, type InspectReport } from '../../index.js'
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
  if (!flags.strict) return 0
  const failed = strictFailures(report)
  if (failed.length === 0) return 0
  process.stderr.write(`inspect --strict: ${failed.length} failing verdict${failed.length === 1 ? '' : 's'}\n`)
  process.stderr.write(failed.map((f) => `  - ${f}\n`).join(''))
  return 1
}

// stdout stays what it is without --html.
function withoutFiles(r: InspectReport): InspectReport {
  if (r.kind === 'binary') return r
  return { ...r, platforms: r.platforms.map(({ files: _files, ...p }) => p) }
}
