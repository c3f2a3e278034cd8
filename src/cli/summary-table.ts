// The end-of-build summary: one row per service and platform.
import type { BuildReport } from '../index.js'
import { humanBytes } from '../util/human-bytes.js'

export type ServiceOutcome =
  | {
      service: string
      ok: true
      report: BuildReport
      /** Absent when --push or --load shipped the image and no --out asked for an archive. */
      archive?: { path: string; digest: string; size: number }
      ms: number
      pushed?: string
      loaded?: string
    }
  | { service: string; ok: false; error: { code: string; message: string; hint?: string }; ms: number }

export function summaryTable(outcomes: readonly ServiceOutcome[]): string {
  const rows: string[][] = [['service', 'platform', 'binary', 'packed', 'image', 'digest', 'time', 'needs', 'verdicts']]
  for (const o of outcomes) {
    if (!o.ok) {
      rows.push([o.service, '-', '-', '-', '-', '-', `${(o.ms / 1000).toFixed(1)}s`, '-', `FAILED: ${o.error.code}`])
      continue
    }
    for (const t of o.report.targets) {
      const verdicts = [
        'static',
        t.strip === 'stripped' ? 'stripped' : null,
        t.upx === 'packed'
          ? `upx${t.upxStartup ? ` +${(t.upxStartup.packedMs - t.upxStartup.unpackedMs).toFixed(0)}ms/start` : ''}`
          : t.upx === 'not requested'
            ? null
            : `upx ${t.upx}`,
      ]
        .filter(Boolean)
        .join(', ')
      rows.push([
        o.service,
        t.platform,
        humanBytes(t.sizes.stripped ?? t.sizes.built),
        t.sizes.packed === null ? '-' : humanBytes(t.sizes.packed),
        humanBytes(t.imageBytes),
        (o.archive?.digest ?? digestOf(o.pushed) ?? '-').slice(0, 19),
        `${(o.ms / 1000).toFixed(1)}s`,
        t.needs.summary,
        verdicts,
      ])
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  const lines = rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  )
  const ok = outcomes.filter((o) => o.ok)
  const out = ['', ...lines, '']
  for (const o of ok) {
    if (!o.ok) continue
    if (o.archive) out.push(`${o.service}: ${o.archive.path} (${humanBytes(o.archive.size)})`)
    if (o.pushed) out.push(`${o.service}: pushed ${o.pushed}`)
    if (o.loaded) out.push(`${o.service}: loaded ${o.loaded}`)
  }
  return out.join('\n') + '\n'
}

/** The digest of a pushed reference (host/repo:tag@sha256:...), when it has one. */
function digestOf(ref: string | undefined): string | undefined {
  return ref?.match(/@(sha256:[0-9a-f]+)$/)?.[1]
}
