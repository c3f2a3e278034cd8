// renderReportHtml(): an inspect report as one self-contained HTML page:
// where the binary's megabytes go (a treemap), the layers, the runtime needs
// with their verdicts, the base's files and the modules an SBOM lists. Pure:
// report in, text out. No script, no fonts, no links out, and a
// Content-Security-Policy that forbids loading anything, so the page is the
// same offline and a value from an image cannot reach the network.
import { humanBytes } from '../util/human-bytes.js'
import { VERSION } from '../version.js'
import type { BinaryFacts, BinaryReport, ImageReport, InspectReport } from './inspect-report.js'
import type { PlatformReport, Verdicts } from './inspect-report.js'
import { html, raw } from './html-text.js'
import type { Html } from './html-text.js'
import { filesByLayer, layersTable, modulesTable, needsTable, sizesTables } from './report-html-parts.js'
import type { PurlNamer } from './report-html-parts.js'

export type { PurlNamer } from './report-html-parts.js'
import { TREEMAP_CSS, treemapSvg } from './report-treemap.js'

export function renderReportHtml(report: InspectReport, purl: PurlNamer): string {
  const title = `gostatic inspect: ${report.path}`
  const body = report.kind === 'image' ? imageBody(report, purl) : binaryBody(report, purl)
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${CSS}${TREEMAP_CSS}</style></head>
<body><header><h1>gostatic inspect</h1><p class="mono">${report.path}</p></header>${body}
<footer>Written by gostatic ${VERSION} from the bytes of the image or binary.</footer></body></html>
`.text
}

// The picture first: people look at where their megabytes go before they read digests.
function imageBody(r: ImageReport, purl: PurlNamer): Html {
  const facts = [
    ['format', r.format],
    ['digest', r.digest],
    ['ref', r.refName ?? '(none)'],
    ['platforms', r.platforms.map((p) => p.platform).join(', ')],
  ] as const
  return html`${r.platforms.map((p) => platformSection(p, purl))}<h2>Image</h2>${keyValues(facts)}`
}

function platformSection(p: PlatformReport, purl: PurlNamer): Html {
  const binLayer = binaryLayer(p)
  const size = `${humanBytes(p.totalSize)} in ${p.layers.length} layers`
  return html`<section><h2>${p.platform} · ${size}</h2>
${verdictList(p.verdicts, [['entrypoint', p.verdicts.entrypoint]])}
${p.binary === null ? html`<p class="note">No binary to show: ${p.verdicts.entrypoint}.</p>` : binaryParts(p.binary)}
<h3>Image config</h3>${keyValues([
    ['manifest', p.manifestDigest ?? '(docker save archive: none)'],
    ['size', `${size} (stored, compressed)`],
    ['entrypoint', [...p.config.entrypoint, ...p.config.cmd].join(' ')],
    ['user', p.config.user ?? '(unset: root)'],
  ])}
<h3>Layers</h3>${layersTable(p.layers, p.files, binLayer)}
<h3>Runtime needs</h3>${needsTable(p.needs)}
<h3>Files by layer</h3>${filesByLayer(p.files, p.layers.length, binLayer)}
<h3>Modules (as the SBOM lists them)</h3>${p.binary === null ? '' : modulesTable(p.binary, purl)}
</section>`
}

function binaryBody(r: BinaryReport, purl: PurlNamer): Html {
  return html`<section><h2>${r.path}</h2>${verdictList(r.verdicts, [])}${binaryParts(r.binary)}
<h3>Runtime needs</h3>${needsTable(r.needs)}
<h3>Modules (as the SBOM lists them)</h3>${modulesTable(r.binary, purl)}</section>`
}

function binaryParts(b: BinaryFacts): Html {
  const s = b.sizes
  const note =
    s.code === 'function table'
      ? 'Code is split by package from the Go function table, which survives stripping; data is shown by section, ' +
        'since a stripped binary keeps no owner for it.'
      : `Code is not split by package: ${s.code.replace(/^not attributed: /, '')}.`
  return html`<h3>Where the binary’s ${humanBytes(b.size)} go <span class="mono">${b.path}</span></h3>
<p class="note">${note}</p>
<figure class="map">${treemapSvg(s)}</figure>${sizesTables(s)}
${b.go === null ? '' : buildInfo(b.go.goVersion, b.go.path, b.go.settings)}`
}

function buildInfo(goVersion: string, path: string, settings: Record<string, string>): Html {
  return html`<details><summary>Go build info: ${goVersion}, ${path}</summary>
${keyValues(Object.entries(settings))}</details>`
}

function verdictList(v: Verdicts, first: readonly (readonly [string, string])[]): Html {
  const rows = [
    ...first,
    ['static', v.static],
    ['cgo', v.cgo],
    ['trimpath', v.trimpath],
    ['stripped', v.stripped],
    ['upx', v.upx],
  ]
  return html`<ul class="verdicts">${rows.map(([k, val]) => html`<li><b>${k}</b> ${val}</li>`)}</ul>`
}

function keyValues(rows: readonly (readonly [string, string])[]): Html {
  return html`<dl>${rows.map(([k, v]) => html`<dt>${k}</dt><dd class="mono">${v}</dd>`)}</dl>`
}

// The layer whose file is the entrypoint binary, when the files were listed.
function binaryLayer(p: PlatformReport): number | null {
  const path = p.binary?.path.replace(/^\/+/, '')
  return p.files?.find((f) => f.path === path)?.layer ?? null
}

const CSS = raw(`
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1240px;padding:0 16px 32px;color:#1b1b1b}
h1{font-size:20px;word-break:break-all}
h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:28px}
h3{font-size:15px;margin:22px 0 6px}
.mono{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}dt{color:#555}dd{margin:0}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border-bottom:1px solid #e3e3e3;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f4f4f4;font-weight:600}td.num{text-align:right;white-space:nowrap}table.narrow{width:auto}
.note{color:#555}.tag{background:#e8f0fe;border-radius:3px;padding:0 4px;font-size:11px}
.bar{display:inline-block;width:90px;height:8px;background:#eee;vertical-align:middle}
.bar span{display:block;height:8px;background:#4a7fd0}
.verdicts{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 18px}
.verdict{border-radius:3px;padding:0 5px;font-size:12px}.v-met{background:#d9f2dd}.v-added{background:#dbeafe}
.v-unmet{background:#fbd5d5}.v-ignored{background:#eee}.v-derived{background:#fff3c4}figure.map{margin:8px 0}
details{margin:6px 0}summary{cursor:pointer}footer{margin-top:30px;color:#777;font-size:12px}`)
