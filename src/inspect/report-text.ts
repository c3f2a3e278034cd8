// The human rendering of an InspectReport: aligned sections, sizes in human
// units with the exact bytes next to them (people compare both), and every
// 'unknown' verdict followed by the reason the bytes could not tell.
import type { BinaryFacts, ImageReport, InspectReport, NeedsReport, PlatformReport, Verdicts } from './inspect.js'
import { needBody } from '../plan/needs-verdicts.js'

type Row = readonly [label: string, value: string | readonly string[]]

export function renderReportText(r: InspectReport): string {
  const lines =
    r.kind === 'image'
      ? imageLines(r)
      : [
          ...table([['binary', r.path]], ''),
          ...binaryLines(r.binary, '  '),
          'verdicts',
          ...verdictLines(r.verdicts, r.binary, '  '),
          ...needsLines(r.needs, ''),
        ]
  return lines.join('\n') + '\n'
}

function imageLines(r: ImageReport): string[] {
  const out = table(
    [
      ['image', r.path],
      ['format', FORMAT[r.format]],
      ['ref', r.refName ?? '(none)'],
      ['digest', r.digest],
      ['platforms', r.platforms.map((p) => p.platform).join(', ')],
    ],
    '',
  )
  for (const p of r.platforms) out.push('', ...platformLines(p))
  if (r.attachments.length > 0) out.push('', 'attachments (cosign tag scheme)', ...r.attachments.map(attachmentLine))
  else if (r.format === 'registry') out.push('', 'attachments (cosign tag scheme): none')
  if (r.referrers !== null)
    out.push('', `referrers (OCI referrers API): ${r.referrers.length || 'none'}`, ...r.referrers.map(referrerLine))
  return out
}

const FORMAT: Record<ImageReport['format'], string> = {
  oci: 'OCI image layout archive',
  docker: 'docker save archive',
  registry: 'pushed image (read from the registry)',
}

const ATTACHMENT_KIND = { sig: 'signature', att: 'attestations', sbom: 'SBOM' } as const

function referrerLine(x: NonNullable<ImageReport['referrers']>[number]): string {
  const what =
    x.tag === null
      ? (x.artifactType ?? x.mediaType)
      : `the manifest tagged ${x.tag.slice(0, 19)}….${x.tag.split('.').pop()}`
  return `  ${x.digest.slice(0, 19)}…  of ${x.subject.slice(0, 19)}…: ${what}`
}

function attachmentLine(a: ImageReport['attachments'][number]): string {
  const what = a.layers.map((l) => l.predicateType ?? l.mediaType).join(', ')
  return `  ${a.tag.slice(0, 19)}….${a.kind}  ${ATTACHMENT_KIND[a.kind]} of ${a.subject.slice(0, 19)}…: ${what}`
}

function platformLines(p: PlatformReport): string[] {
  const c = p.config
  const out = [`${p.platform}${p.manifestDigest ? `  manifest ${p.manifestDigest}` : ''}`]
  out.push(`  layers (${p.layers.length}, ${storedAs(p)} sizes)`, ...layerLines(p), '  config')
  out.push(
    ...table(
      [
        ['entrypoint', c.entrypoint.length ? JSON.stringify(c.entrypoint) : []],
        ['cmd', c.cmd.length ? JSON.stringify(c.cmd) : []],
        ['user', c.user ?? '(unset: runs as root)'],
        ['workdir', c.workdir ?? '(unset: /)'],
        ['env', c.env],
        ['ports', c.exposedPorts],
        ['labels', Object.entries(c.labels).map(([k, v]) => `${k}=${v}`)],
      ],
      '    ',
    ),
  )
  // dev.gostatic.* annotations are shown once, with the verdicts they record.
  const other = Object.entries(p.annotations).filter(([k]) => !(k in p.verdicts.recorded))
  if (other.length) out.push('  annotations', ...table(other, '    '))
  if (p.binary) out.push(`  entrypoint binary ${p.binary.path}`, ...binaryLines(p.binary, '    '))
  for (const b of p.binaries)
    out.push(`  binary ${b.path}`, ...(b.binary ? binaryLines(b.binary, '    ') : [`    ${b.problem}`]))
  const entry = p.verdicts.entrypoint === 'ok' && p.binary ? `ok: ${p.binary.path}` : p.verdicts.entrypoint
  out.push('  verdicts', ...verdictLines(p.verdicts, p.binary, '    ', [['entrypoint', entry]]))
  out.push(...needsLines(p.needs, '  '))
  const recorded = Object.entries(p.verdicts.recorded)
  if (recorded.length) out.push('  recorded by the gostatic build', ...table(recorded, '    '))
  return out
}

// docker save stores layers as plain tars: say so, or its sizes look bloated.
function storedAs(p: PlatformReport): string {
  const kinds = new Set(
    p.layers.map((l) =>
      /gzip/.test(l.mediaType) ? 'gzip-compressed' : /zstd/.test(l.mediaType) ? 'zstd-compressed' : 'uncompressed',
    ),
  )
  return kinds.size === 1 ? [...kinds][0]! : 'stored'
}

function layerLines(p: PlatformReport): string[] {
  const rows = p.layers.map((l, i) => [
    `${i + 1}`,
    shortDigest(l.digest),
    human(l.size),
    exact(l.size),
    l.createdBy ?? '',
  ])
  rows.push(['', 'total', human(p.totalSize), exact(p.totalSize), ''])
  const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows.map((r) => {
    const sizes = `${r[2]!.padStart(w[2]!)}  ${r[3]!.padStart(w[3]!)}`
    return `    ${r[0]!.padStart(w[0]!)}  ${r[1]!.padEnd(w[1]!)}  ${sizes}  ${r[4]}`.trimEnd()
  })
}

function binaryLines(b: BinaryFacts, indent: string): string[] {
  const e = b.elf
  const go = b.go
  const rows: Row[] = [
    ['size', `${human(b.size)} ${exact(b.size)}`],
    ['elf', `ELF${e.class} ${e.machine}, ${e.endian}-endian, ${elfType(e)}`],
    ['linking', linking(b)],
    [
      'symbols',
      e.upx
        ? 'none visible (UPX stub)'
        : e.stripped
          ? 'stripped (no .symtab, no .debug_*)'
          : [e.symtab ? '.symtab' : '', e.debug ? '.debug_*' : ''].filter(Boolean).join(' and ') + ' present',
    ],
    ['upx', e.upx ? 'packed' : 'not packed'],
  ]
  const t = b.functionTable
  if (t !== null) {
    const counts = `${t.functions.toLocaleString('en-US')} functions, ${t.names.toLocaleString('en-US')} names`
    rows.push(['functions', `${counts} (${t.format} table, ${t.location})`])
  }
  if (go === null)
    rows.push(['build info', b.goMissing === 'not a Go binary' ? 'none (not a Go binary)' : (b.goMissing ?? 'none')])
  else
    rows.push(
      ['go', go.goVersion],
      ['main module', go.main.path ? `${go.main.path} ${go.main.version}`.trim() : '(none: not built in module mode)'],
      ['main package', go.path || '(unknown)'],
      [
        'dependencies',
        go.deps.map(
          (d) => `${d.path} ${d.version}${d.replace ? ` => ${d.replace.path} ${d.replace.version}`.trimEnd() : ''}`,
        ),
      ],
      ['build settings', Object.entries(go.settings).map(([k, v]) => `${k}=${v}`)],
    )
  return table(rows, indent)
}

function linking(b: BinaryFacts): string {
  const e = b.elf
  // The stub of a packed file is always static; saying so would mislead.
  if (e.upx) return 'unknown (UPX stub; the packed program is hidden)'
  if (e.static) return `static${e.pie ? ' (static-pie)' : ''}: no interpreter, no shared libraries`
  const parts = [
    e.interpreter ? `interpreter ${e.interpreter}` : '',
    e.needed.length ? `needs ${e.needed.join(', ')}` : '',
  ]
  return `dynamic: ${parts.filter(Boolean).join('; ')}`
}

function verdictLines(v: Verdicts, b: BinaryFacts | null, indent: string, lead: Row[] = []): string[] {
  const why = (value: string, reason: string | null): string =>
    value === 'unknown' && reason ? `unknown (${reason})` : value
  const elfWhy = b === null ? 'no entrypoint binary' : b.elf.upx ? 'UPX-packed' : null
  const goWhy =
    b === null
      ? 'no entrypoint binary'
      : b.go !== null
        ? null
        : b.elf.upx
          ? 'build info hidden by UPX packing'
          : b.goMissing === 'not a Go binary'
            ? 'not a Go binary'
            : 'build info unreadable'
  return table(
    [
      ...lead,
      ['static', why(v.static, elfWhy)],
      ['cgo', why(v.cgo, goWhy ?? 'CGO_ENABLED not recorded')],
      ['trimpath', why(v.trimpath, goWhy)],
      ['stripped', why(v.stripped, elfWhy)],
      ['upx', why(v.upx, elfWhy)],
    ],
    indent,
  )
}

// A line per need: what meets it, or what is missing, why it matters and the fix.
function needsLines(n: NeedsReport, indent: string): string[] {
  if (n.status === 'unknown') return table([['needs', `unknown (${n.reason})`]], indent)
  if (n.status === 'derived') {
    const rows: Row[] = n.needs.map((x) => [x.id, `${x.embedded ?? `${x.message} (${x.evidence.join(', ')})`}`])
    return [`${indent}needs (${n.summary}; not checked: no image)`, ...(rows.length ? table(rows, `${indent}  `) : [])]
  }
  const rows: Row[] = n.verdicts.map((v) => {
    const state = v.status === 'unmet' && v.severity !== 'warning' ? `unmet (${v.severity})` : v.status
    return [v.id, v.status === 'met' ? `met: ${v.detail} (${v.evidence.join(', ')})` : `${state} ${needBody(v)}`]
  })
  return [`${indent}needs (${n.summary})`, ...(rows.length ? table(rows, `${indent}  `) : [])]
}

/** Label column padded to the widest label; a list continues under its first value. */
function table(rows: readonly Row[], indent: string): string[] {
  const w = Math.max(...rows.map(([k]) => k.length))
  const out: string[] = []
  for (const [k, value] of rows) {
    const values = typeof value === 'string' ? [value] : value.length ? value : ['(none)']
    values.forEach((v, i) => out.push(`${indent}${(i === 0 ? k : '').padEnd(w)}  ${v}`.trimEnd()))
  }
  return out
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB']

export function human(n: number): string {
  if (n < 1024) return `${n} B`
  let v = n
  let u = -1
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024
    u++
  }
  return `${v.toFixed(1)} ${UNITS[u]}`
}

function exact(n: number): string {
  return `(${n.toLocaleString('en-US')} bytes)`
}

function shortDigest(d: string): string {
  const [alg, hex] = d.split(':')
  return hex ? `${alg}:${hex.slice(0, 12)}` : d
}

function elfType(e: { type: string; pie: boolean }): string {
  if (e.type === 'exec') return 'executable'
  return e.type === 'dyn' ? (e.pie ? 'PIE executable' : 'shared object') : e.type
}
