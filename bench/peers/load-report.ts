// The --load section of bench/results/peers.md: `gostatic build --load`
// against `ko build -L` after a one-line change, paired in the same rounds,
// between markers so a run of only this phase replaces only this section.
import { median } from '../median.js'
import type { Run } from './arms.js'
import { stepTable, TARGETS, type ServiceResult } from './report.js'

export const LOAD_START = '<!-- peers: load -->'
export const LOAD_END = '<!-- /peers: load -->'

const sec = (ms: number) => (Number.isNaN(ms) ? 'n/a' : `${(ms / 1000).toFixed(2)} s`)
const fig = (runs: Run[] | undefined) =>
  runs?.length
    ? `${sec(median(runs.map((r) => r.ms)))} (load ${median(runs.map((r) => r.load)).toFixed(1)}, n=${runs.length})`
    : 'n/a'

export function loadSection(results: readonly ServiceResult[], header: readonly string[], commands: readonly string[]): string[] {
  const t = TARGETS.load
  const rows = results.flatMap((r) => {
    const c = r.phases.load
    if (!c) return []
    const ratio = median((c.cliLoad ?? []).map((x) => x.ms)) / median((c.koLoad ?? []).map((x) => x.ms))
    const verdict = Number.isNaN(ratio) ? 'n/a' : `${ratio.toFixed(2)} (${ratio <= t ? 'met' : 'NOT met'})`
    return [`| ${r.name} | ${fig(c.cliLoad)} | ${fig(c.koLoad)} | ${verdict} |`]
  })
  return [
    LOAD_START,
    `## Into the local Docker daemon after a one-line change (target: at most ${t.toFixed(1)}x ko -L)`,
    '',
    ...header,
    '',
    ...commands,
    '',
    '| service | gostatic build --load | ko build -L | gostatic / ko -L |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    '',
    ...stepTable('load', results),
    LOAD_END,
  ]
}

/** `text` with its load section replaced by `section` (appended when it has none). */
export function withLoadSection(text: string, section: readonly string[]): string {
  const a = text.indexOf(LOAD_START)
  const b = text.indexOf(LOAD_END)
  const body = section.join('\n')
  if (a < 0 || b < a) return `${text.trimEnd()}\n\n${body}\n`
  return text.slice(0, a) + body + text.slice(b + LOAD_END.length)
}
