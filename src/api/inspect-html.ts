// The HTML report as a use case: inspect a target with its file listing,
// render the page (inspect/report-html.ts, pure) and write it atomically.
import { golangPurl, stdlibPurl } from '../attest/purl.js'
import { ErrorCode, GostaticError, isGostaticError } from '../errors.js'
import type { InspectReport } from '../inspect/inspect-report.js'
import { renderReportHtml } from '../inspect/report-html.js'
import { inspect } from './inspect-target.js'
import type { InspectTargetOptions } from './inspect-target.js'
import { requireOutputPath, writeFileAtomic } from '../util/atomic-write.js'

/**
 * Inspects `target` (an image archive, a binary, or registry://HOST/REPO:TAG), writes its HTML report to
 * `out` and returns the report the page shows.
 */
export async function inspectHtml(
  target: string,
  out: string,
  opts: InspectTargetOptions = {},
): Promise<InspectReport> {
  const report = await inspect(target, { ...opts, files: true })
  await writeReportHtml(report, out)
  return report
}

/** Writes any inspect() result as one self-contained HTML page (temp file, then rename); returns the full path. */
export async function writeReportHtml(report: InspectReport, out: string): Promise<string> {
  const path = requireOutputPath(out, 'the HTML report', 'report.html')
  try {
    const page = renderReportHtml(report, { module: golangPurl, stdlib: stdlibPurl })
    return await writeFileAtomic(path, Buffer.from(page, 'utf8'))
  } catch (err) {
    // The shared hint names --out, which is not how a report's path is given.
    if (!isGostaticError(err) || err.code !== ErrorCode.OUTPUT_NOT_WRITABLE) throw err
    const hint = 'choose another path for the HTML report, or fix the folder'
    throw new GostaticError(err.code, err.message, { hint, cause: err.cause })
  }
}
