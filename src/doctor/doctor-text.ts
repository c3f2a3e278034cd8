// The human form of a DoctorReport: one block per finding, blockers first.
import type { DoctorReport, Finding } from './doctor-report.js'

const LABEL = { blocker: 'BLOCKER', warning: 'WARNING', info: 'info' } as const

export function renderDoctorText(r: DoctorReport): string {
  const out = [
    `gostatic doctor: ${r.dir} (main ${r.main}, ${r.platform}, runtime ${r.runtime}` +
      `${r.tags.length ? `, tags ${r.tags.join(',')}` : ''})`,
    '',
  ]
  for (const f of r.findings) out.push(...block(f), '')
  if (r.findings.length === 0) out.push('nothing found that needs cgo or changes meaning without it', '')
  const { blocker, warning, info } = r.counts
  out.push(
    `${blocker} blocker(s), ${warning} warning(s), ${info} note(s): ` +
      `${r.ok ? 'ready for CGO_ENABLED=0' : 'NOT ready for CGO_ENABLED=0'}`,
  )
  for (const n of r.notes) out.push(`  (${n})`)
  return out.join('\n') + '\n'
}

function block(f: Finding): string[] {
  const head = `${LABEL[f.severity].padEnd(7)}  ${f.kind === 'changes-meaning' ? f.topic : f.package}`
  const lines = [head, ...wrap(f.message)]
  if (f.chain.length > 1) lines.push(`         import chain: ${f.chain.join(' → ')}`)
  if (f.kind === 'needs-cgo' && f.replacement)
    lines.push(`         replace with: ${f.replacement.path}`, ...wrap(f.replacement.note, 'note: '))
  if (f.kind === 'needs-cgo' && f.withCgo) {
    const lead = f.replacement ? 'or build with cgo: ' : 'build with cgo: '
    lines.push(...wrap(`${f.withCgo.call}, tags ${f.withCgo.tags.join(',')}`, lead), ...wrap(f.withCgo.note, 'note: '))
  }
  if (f.kind === 'changes-meaning') {
    for (const e of f.evidence) lines.push(...wrap(e, 'seen: '))
    lines.push(...wrap(f.planDoes, 'gostatic: '), ...wrap(f.youChoose, 'you: '))
  }
  return lines
}

function wrap(text: string, prefix = ''): string[] {
  const words = `${prefix}${text}`.split(' ')
  const lines: string[] = []
  let line = ''
  for (const w of words) {
    if (line && line.length + w.length + 1 > 88) {
      lines.push(`         ${line}`)
      line = w
    } else line = line ? `${line} ${w}` : w
  }
  if (line) lines.push(`         ${line}`)
  return lines
}
