// The end-of-build summary: one row per service and platform.
import type { BuildReport } from '../image/build-result.js'
import { humanBytes } from '../util/human-bytes.js'

export type ServiceOutcome =
  | { service: string; ok: true; report: BuildReport; archive: { path: string; digest: string; size: number }; ms: number; pushed?: string }
  | { service: string; ok: false; error: { code: string; message: string; hint?: string }; ms: number }

export function summaryTable(outcomes: readonly ServiceOutcome[]): string {
  const rows: string[][] = [['service', 'platform', 'binary', 'packed', 'image', 'digest', 'time', 'needs', 'verdicts']]
  for (const o of outcomes) {
    if (!o.ok) {
      rows.push([o.service, '-', '-', '-', '-', '-', `${(o.ms / 1000).toFixed(1)}s`, '-', `FAILED: ${o.error.code}`])
      continue
    }
    for (const t of o.report.targets) {
      const verdicts = ['static', t.strip === 'stripped' ? 'stripped' : null, t.upx === 'packed' ? `upx${t.upxStartup ? ` +${(t.upxStartup.packedMs - t.upxStartup.unpackedMs).toFixed(0)}ms/start` : ''}` : t.upx === 'not requested' ? null : `upx ${t.upx}`].filter(Boolean).join(', ')
      rows.push([
        o.service,
        t.platform,
        humanBytes(t.sizes.stripped ?? t.sizes.built),
        t.sizes.packed === null ? '-' : humanBytes(t.sizes.packed),
        humanBytes(t.imageBytes),
        o.archive.digest.slice(0, 19),
        `${(o.ms / 1000).toFixed(1)}s`,
        t.needs.summary,
        verdicts,
      ])
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  const lines = rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd())
  const ok = outcomes.filter((o) => o.ok)
  const out = ['', ...lines, '']
  for (const o of ok) if (o.ok) out.push(`${o.service}: ${o.archive.path} (${humanBytes(o.archive.size)})`)
  return out.join('\n') + '\n'
}
