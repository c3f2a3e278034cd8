// BuildPlan → text a human can read.
import type { BuildPlan, Step, TargetPlan } from './build-plan.js'
import { shJoin, shq } from '../util/shell-quote.js'
import { baseName, baseRow } from './runtime-bases.js'
import { imageBinaries, stepTarget, type BinaryStep } from './binaries.js'

const stepText: { [K in Step['kind']]: (s: Extract<Step, { kind: K }>, p: BuildPlan) => string } = {
  'copy-module-files': (s) =>
    `copy ${[...s.files, ...s.optional.map((f) => `${f} (if present)`)].join(', ')} (so the module download is ` +
    `cached apart from source changes)`,
  'mod-download': (s) => `go ${s.args.join(' ')}`,
  'copy-sources': (s) =>
    `copy sources${s.include.length ? ` including ${s.include.join(', ')}` : ''}` +
    `${s.exclude.length ? ` excluding ${s.exclude.join(', ')}` : ''}`,
  'go-build': (s, p) => {
    const t = stepTarget(p, s)
    return `${on(s)}: ${envLine(t)} go ${shJoin(t.goArgs)} -o ${t.output} ${t.package}`
  },
  strip: (s, p) => {
    const st = target(p, s.platform).strip!
    const tool = `${on(s)}: strip ${st.args.join(' ')} (first of ${st.candidates.join(', ')} that reads the ELF)`
    if (!st.afterLinkerStrip) return tool
    // Said outright, so nobody mistakes the cheap step for a dropped one.
    return (
      `${tool}; after -s -w it has no symbols or DWARF left to remove, only the section table to rewrite (a ` +
      `few KB),` +
      ' so it changes nothing that runs: kept because strip() asks for it' +
      " (the local engine with a cache folder runs it once per binary and reuses the result by the binary's hash)"
    )
  },
  upx: (s, p) => {
    const u = target(p, s.platform).upx
    return u.kind === 'pack'
      ? `${on(s)}: upx ${u.args.join(' ')}, then upx ${u.testArgs.join(' ')}` +
          `${u.smoke ? `, then a smoke run with ${u.smoke.join(' ') || 'no args'}` : ''}`
      : ''
  },
  'check-needs': (s, p) => `${on(s)}: ${needsText(s, p)}`,
  'verify-static': (s, p) => verifyText(on(s), target(p, s.platform)),
  'assemble-runtime': (_s, p) =>
    `assemble the ${baseName(p.runtime.base)} runtime: ${p.runtime.binaryPath}` +
    p.binaries.map((b) => `, ${b.path} (a layer of its own)`).join('') +
    `${p.runtime.files.length ? ` + ${p.runtime.files.map((f) => f.path).join(', ')}` : ''}`,
}

export function explainPlan(p: BuildPlan): string {
  const out: string[] = [`Plan for ${p.service} (${p.targets.map((t) => t.platform).join(', ')})`, '']
  if (p.binaries.length) {
    out.push('Binaries (each in its own layer; the entrypoint is the first):')
    for (const b of imageBinaries(p)) out.push(`  - ${b.path} from ${b.package}`)
    out.push('')
  }
  out.push('Steps:')
  p.steps.forEach((s, i) => out.push(`  ${i + 1}. ${(stepText[s.kind] as (s: Step, p: BuildPlan) => string)(s, p)}`))
  out.push('', 'Why:')
  for (const n of p.notes) out.push(`  - ${n.topic}: ${n.text}`)
  const upx = p.targets.filter((t) => t.upx.kind !== 'none')
  if (upx.length) {
    out.push('', 'UPX:')
    for (const t of upx) {
      const u = t.upx
      out.push(`  - ${t.platform}: ${u.kind === 'refused' ? `refused by the ${u.rule} rule: ${u.message}` : 'allowed'}`)
    }
  }
  if (p.warnings.length) out.push('', 'Warnings:', ...p.warnings.map((w) => `  - ${w}`))
  return out.join('\n') + '\n'
}

function needsText(s: Extract<Step, { kind: 'check-needs' }>, p: BuildPlan): string {
  const b = p.runtime.base
  const image = baseRow(b).owned
    ? `the ${baseName(b)} image`
    : `${baseName(b)} (all its layers) with gostatic's files on top`
  const unmet = baseRow(b).meetsNeeds
    ? 'files that meet an unmet need are added (all zones when time.LoadLocation is linked and no zones are ' +
      'listed, /etc/services when service names are looked up)'
    : `an unmet need is ${p.needs.strict ? 'an error (needs({ strict: true }))' : 'a warning'}`
  const modules = s.refuseModules.map((m) => m.module).join(', ')
  const stubs = modules ? `; a cgo stub (${modules}) fails the build` : ''
  const ignored = p.needs.ignore.length ? `; ignored: ${p.needs.ignore.join(', ')}` : ''
  return (
    "read the binary's runtime needs from its function table and build info (before UPX hides them), " +
    `check them against the files, user and env of ${image}; ${unmet}${stubs}${ignored}`
  )
}

function target(p: BuildPlan, platform: string): TargetPlan {
  return p.targets.find((t) => t.platform === platform)!
}

function envLine(t: TargetPlan): string {
  return Object.entries(t.env)
    .map(([k, v]) => `${k}=${shq(v)}`)
    .join(' ')
}

/** A step's platform, and the binary when it is a .binary(). */
function on(s: BinaryStep): string {
  return s.binary === undefined ? s.platform : `${s.platform} ${s.binary}`
}

function verifyText(where: string, t: TargetPlan): string {
  const v = t.verify
  const shown = ['CGO_ENABLED', '-trimpath', '-tags'].filter((k) => v.settings[k] !== undefined)
  const items = shown.map((k) => (k === '-trimpath' ? k : `${k}=${v.settings[k]}`))
  const info = items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : items.join('')
  const link = v.externalLink === null ? '' : `, linked by the C linker (${v.externalLink})`
  return `${where}: verify the binary is a static ${v.elfMachine} ELF${link} with ${info} in its build info`
}
