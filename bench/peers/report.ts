// Turns bench/peers.ts's runs into bench/results/peers.md: medians with the
// load average next to each, ratios against ko -s -w measured in the same
// rounds, gostatic's per-step times next to its totals, and image bytes.
import type { ArmName, Run } from './arms.js'
import { median } from '../median.js'

export type Phase = 'cold' | 'warm' | 'change' | 'load'
export type Cell = Partial<Record<ArmName, Run[]>>
export type Bytes = { gostatic: number; ko: number; koDefault: number | null }
export type ServiceResult = { name: string; origin: string; phases: Partial<Record<Phase, Cell>>; bytes: Bytes | null }

export const TARGETS: Record<Phase, number> = { change: 0.8, warm: 0.5, cold: 1.0, load: 0.8 }
const PHASE_TITLE: Record<Phase, string> = {
  cold: 'Cold: empty GOCACHE (and an empty gostatic cache)',
  warm: 'Warm, no change',
  change: 'After a one-line change',
  load: 'After a one-line change, loaded into the Docker daemon',
}

const s = (ms: number) => (Number.isNaN(ms) ? 'n/a' : `${(ms / 1000).toFixed(2)} s`)
const ratio = (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? 'n/a' : (a / b).toFixed(2))
const mark = (r: number, target: number) => (Number.isNaN(r) ? '' : r <= target ? ' (met)' : ' (NOT met)')

function fig(runs: Run[] | undefined): string {
  if (!runs?.length) return 'n/a'
  return `${s(median(runs.map((r) => r.ms)))} (load ${median(runs.map((r) => r.load)).toFixed(1)}, n=${runs.length})`
}

const ms = (c: Cell, a: ArmName) => median((c[a] ?? []).map((r) => r.ms))

export function phaseTable(phase: Phase, results: readonly ServiceResult[]): string[] {
  const t = TARGETS[phase]
  const rows = results.flatMap((r) => {
    const c = r.phases[phase]
    if (!c) return []
    const ko = ms(c, 'ko')
    const cli = ms(c, 'cli')
    const apiNet = ms(c, 'api') - ms(c, 'tsx')
    const cliR = cli / ko
    const apiR = apiNet / ko
    const api = c.api ? `${fig(c.api)}; minus tsx ${s(apiNet)}` : 'n/a'
    const apiRatio = c.api ? ratio(apiNet, ko) + mark(apiR, t) : 'n/a'
    return [`| ${r.name} | ${fig(c.cli)} | ${api} | ${fig(c.ko)} | ${fig(c.koDefault)} | ${ratio(cli, ko)}${mark(cliR, t)} | ${apiRatio} |`]
  })
  return [
    `### ${PHASE_TITLE[phase]} (target: at most ${t.toFixed(1)}x ko -s -w)`,
    '',
    '| service | gostatic CLI | gostatic API (`npx tsx`) | ko -s -w | ko (defaults) | CLI / ko -s -w | (API - bare tsx) / ko -s -w |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ]
}

/** Median ms of each gostatic step per arm, so a regression shows where it is. */
export function stepTable(phase: Phase, results: readonly ServiceResult[]): string[] {
  const lines: string[] = []
  for (const r of results) {
    const c = r.phases[phase]
    for (const arm of ['cli', 'api', 'cliLoad'] as const) {
      const runs = c?.[arm]
      if (!runs?.length) continue
      const names = [...new Set(runs.flatMap((x) => [...x.steps.keys()]))]
      const stepSum = median(runs.map((x) => [...x.steps.values()].reduce((a, b) => a + b, 0)))
      const cells = names.map((n) => `${n} ${median(runs.map((x) => x.steps.get(n) ?? 0)).toFixed(0)}`)
      const outside = median(runs.map((x) => x.ms)) - stepSum
      lines.push(`| ${r.name} | ${arm} | ${s(median(runs.map((x) => x.ms)))} | ${cells.join(', ')} | ${outside.toFixed(0)} |`)
    }
  }
  if (lines.length === 0) return []
  return [
    `#### gostatic per step, ${PHASE_TITLE[phase].toLowerCase()} (median ms from the build's step-done events)`,
    '',
    '| service | arm | total | steps (ms) | outside the steps (start-up, go env, export), ms |',
    '| --- | --- | ---: | --- | ---: |',
    ...lines,
    '',
  ]
}

export function bytesTable(results: readonly ServiceResult[]): string[] {
  const rows = results.flatMap((r) => {
    const b = r.bytes
    if (!b) return []
    return [`| ${r.name} | ${b.gostatic} | ${b.ko} | ${b.koDefault ?? 'n/a'} | ${ratio(b.gostatic, b.ko)}${mark(b.gostatic / b.ko, 0.9)} |`]
  })
  return [
    '### Image bytes (compressed layers, as pushed and pulled; target: at most 0.90x ko -s -w)',
    '',
    '| service | gostatic | ko -s -w | ko (defaults) | gostatic / ko -s -w |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ]
}
