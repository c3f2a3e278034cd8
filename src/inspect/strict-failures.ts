// What `gostatic inspect --strict` fails on: the verdicts that mean the image
// (or binary) will not run as built. Read from the report inspect made, so the
// gate and the printed report can never disagree.
import type { InspectReport, NeedsReport, Verdicts } from './inspect-report.js'

/** One line per failing verdict, prefixed with the platform for an image; empty when all pass. */
export function strictFailures(report: InspectReport): string[] {
  if (report.kind === 'binary') return [...linkage(report.verdicts), ...needs(report.needs)]
  return report.platforms.flatMap((p) => {
    const entry = p.verdicts.entrypoint === 'ok' ? [] : [`entrypoint ${p.verdicts.entrypoint}`]
    return [...entry, ...linkage(p.verdicts), ...needs(p.needs)].map((f) => `${p.platform}: ${f}`)
  })
}

function linkage(v: Verdicts): string[] {
  return v.static.startsWith('dynamic') ? [`linked ${v.static}`] : []
}

/**
 * Checked against an image: every unmet need that is not merely informational.
 * A bare binary has no files to check, so only a need no file can meet fails it: a cgo stub.
 */
const NEEDS_GATE: { [S in NeedsReport['status']]: (n: Extract<NeedsReport, { status: S }>) => string[] } = {
  checked: (n) =>
    n.verdicts.filter((v) => v.status === 'unmet' && v.severity !== 'info').map((v) => `needs ${v.id}: ${v.message}`),
  derived: (n) => n.needs.filter((x) => x.id === 'cgo-stub').map((x) => `needs ${x.id}: ${x.message}`),
  unknown: () => [],
}

function needs(n: NeedsReport): string[] {
  // Each handler takes its own status's report; the map is keyed by that status.
  return (NEEDS_GATE[n.status] as (r: NeedsReport) => string[])(n)
}
