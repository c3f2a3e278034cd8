// The tables of the HTML report, one function per part: layers, runtime
// needs, files by layer, the modules an SBOM lists, the bytes by package.
// Every value passes through the `html` tag, so it is escaped.
import { humanBytes } from '../util/human-bytes.js'
import type { BinaryFacts, ByteAttribution, GoModule, LayerReport } from './inspect-report.js'
import type { LayeredEntry, NeedsReport } from './inspect-report.js'
import { html } from './html-text.js'
import type { Html } from './html-text.js'
import { bytesText } from './report-treemap.js'

const MAX_OPEN_ROWS = 200
const TOP_PACKAGES = 25

type Files = readonly LayeredEntry[] | undefined

export function layersTable(layers: readonly LayerReport[], files: Files, binary: number | null): Html {
  const total = layers.reduce((n, l) => n + l.size, 0)
  const rows = layers.map((l, i) => {
    const count = files?.filter((f) => f.layer === i).length
    const what = i === binary ? html` <span class="tag">entrypoint</span>` : ''
    return html`<tr><td>${i}${what}</td><td class="mono">${l.digest}</td><td class="num">${humanBytes(l.size)}</td>
<td>${bar(l.size, total)}</td><td class="num">${count === undefined ? '' : count}</td>
<td class="mono">${l.createdBy ?? ''}</td></tr>`
  })
  return html`<table><thead><tr><th>#</th><th>digest</th><th>stored size</th><th>share</th><th>files</th>
<th>created by</th></tr></thead><tbody>${rows}</tbody></table>`
}

function bar(part: number, total: number): Html {
  const pct = total > 0 ? (100 * part) / total : 0
  return html`<span class="bar"><span style="width:${pct.toFixed(1)}%"></span></span> ${pct.toFixed(1)}%`
}

export function needsTable(needs: NeedsReport): Html {
  if (needs.status === 'unknown') return html`<p class="note">Not known: ${needs.reason}.</p>`
  const checked = needs.status === 'checked'
  const rows = checked
    ? needs.verdicts.map((v) => needRow({ ...v, fix: v.status === 'met' ? '' : v.fix }))
    : needs.needs.map((v) => needRow({ ...v, status: 'derived', detail: v.embedded ?? v.message }))
  const head = checked ? 'checked against the image' : 'read from the binary (no image to check against)'
  return html`<p>${needs.summary} — ${head}.</p><table><thead><tr><th>need</th><th>verdict</th><th>severity</th>
<th>detail</th><th>evidence in the binary</th><th>fix</th></tr></thead><tbody>${rows}</tbody></table>`
}

interface NeedRow {
  readonly id: string
  readonly status: string
  readonly severity: string
  readonly detail: string
  readonly evidence: readonly string[]
  readonly fix: string
}

function needRow(n: NeedRow): Html {
  const shown = n.evidence.slice(0, 4).join(', ') + (n.evidence.length > 4 ? `, … (${n.evidence.length} in all)` : '')
  return html`<tr><td>${n.id}</td><td><span class="${`verdict v-${n.status}`}">${n.status}</span></td>
<td>${n.severity}</td><td>${n.detail}</td><td class="mono">${shown}</td><td>${n.fix}</td></tr>`
}

/** Files grouped by the layer that wrote them; the entrypoint's layer is marked, the others are the base's. */
export function filesByLayer(files: Files, layers: number, binary: number | null): Html {
  if (files === undefined) return html`<p class="note">Not listed: inspect with { files: true } to list them.</p>`
  const parts: Html[] = []
  for (let i = 0; i < layers; i++) {
    const mine = files.filter((f) => f.layer === i)
    const bytes = mine.reduce((n, f) => n + (f.type === 'file' ? f.size : 0), 0)
    const role = i === binary ? 'the entrypoint’s layer' : 'base'
    const rows = mine.map(
      (f) => html`<tr><td class="mono">/${f.path}${f.type === 'dir' ? '/' : ''}</td><td>${f.type}</td>
<td class="num">${f.type === 'file' ? f.size.toLocaleString('en-US') : ''}</td>
<td class="mono">${f.mode.toString(8).padStart(4, '0')}</td>
<td class="mono">${f.uid}:${f.gid}</td><td class="mono">${f.link ?? ''}</td></tr>`,
    )
    const summary = `layer ${i} (${role}): ${mine.length} paths, ${humanBytes(bytes)} in files`
    parts.push(html`<details ${mine.length <= MAX_OPEN_ROWS ? html`open` : ''}><summary>${summary}</summary>
<table><thead><tr><th>path</th><th>type</th><th>bytes</th><th>mode</th><th>owner</th><th>link</th></tr></thead>
<tbody>${rows}</tbody></table></details>`)
  }
  return html`${parts}`
}

/** How the SBOM names modules (attest/purl.ts); passed in, since attest/ reads inspect/ and not the reverse. */
export interface PurlNamer {
  module(path: string, version: string): string | null
  stdlib(goVersion: string): string
}

/** The modules the SBOM lists (gostatic sbom): the main module, the standard library and each dependency. */
export function modulesTable(b: BinaryFacts, purl: PurlNamer): Html {
  const go = b.go
  if (go === null) return html`<p class="note">No Go build info: ${b.goMissing ?? 'none'}.</p>`
  const code = new Map(b.sizes.modules.map((m) => [m.path, m.bytes]))
  const row = (role: string, m: GoModule, purl: string | null, note: string, bytes: number | undefined) =>
    html`<tr><td>${role}</td><td class="mono">${m.path}</td><td class="mono">${m.version}</td>
<td class="num">${bytes === undefined ? '' : humanBytes(bytes)}</td><td class="mono">${m.sum ?? ''}</td>
<td class="mono">${purl ?? ''}</td><td>${note}</td></tr>`
  const std = { path: 'stdlib', version: go.goVersion }
  const rows = [
    row('main', go.main, purl.module(go.main.path, go.main.version), '', code.get(go.main.path)),
    row('stdlib', std, purl.stdlib(go.goVersion), '', code.get('std')),
    ...go.deps.map((d) => {
      const used = d.replace ?? d
      const local = d.replace !== undefined && d.replace.version === ''
      const note = d.replace ? `replaces ${d.path}@${d.version}${local ? ' (a local directory)' : ''}` : ''
      return row('dependency', used, local ? null : purl.module(used.path, used.version), note, code.get(d.path))
    }),
  ]
  return html`<table><thead><tr><th>role</th><th>module</th><th>version</th><th>code</th><th>go.sum hash</th>
<th>purl</th><th>note</th></tr></thead><tbody>${rows}</tbody></table>`
}

/** The numbers behind the treemap, for reading and for search. */
export function sizesTables(a: ByteAttribution): Html {
  const pkgs = a.modules
    .flatMap((m) => m.packages.map((p) => ({ ...p, module: m.path })))
    .sort((x, y) => y.bytes - x.bytes)
    .slice(0, TOP_PACKAGES)
  const coded = a.modules.reduce((n, m) => n + m.bytes, 0)
  const inSections = a.sections.reduce((n, s) => n + s.bytes, 0)
  const unattributed = a.unattributed.reduce((n, s) => n + s.bytes, 0)
  const part = (name: string, bytes: number) =>
    html`<tr><td>${name}</td><td class="num">${bytesText(bytes, a.total)}</td></tr>`
  return html`<table class="narrow"><tbody>${part('code by package (function table)', coded)}
${part('sections and headers not split by package', inSections)}${part('unattributed', unattributed)}
${part('file size', a.total)}</tbody></table>
<details><summary>The ${TOP_PACKAGES} largest packages</summary><table><thead><tr><th>package</th><th>module</th>
<th>code</th><th>functions</th></tr></thead><tbody>${pkgs.map(
    (p) => html`<tr><td class="mono">${p.path}</td><td class="mono">${p.module}</td>
<td class="num">${bytesText(p.bytes, a.total)}</td><td class="num">${p.functions}</td></tr>`,
  )}</tbody></table></details>
<details><summary>Sections and unattributed bytes</summary><table><tbody>${a.sections.map((s) => part(s.name, s.bytes))}
${a.unattributed.map((s) => part(`unattributed: ${s.name}`, s.bytes))}</tbody></table></details>`
}
