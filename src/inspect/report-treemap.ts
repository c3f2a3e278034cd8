// The binary's bytes as a static SVG treemap: one block per module (its
// packages inside), one for the sections the function table does not split,
// one, hatched, for what no header, section or function accounts for. Hover
// titles give exact byte counts; no script is needed to read it.
import { humanBytes } from '../util/human-bytes.js'
import type { ByteAttribution, ModuleBytes } from './inspect-report.js'
import { html, raw } from './html-text.js'
import type { Html } from './html-text.js'
import { squarify } from './treemap-layout.js'
import type { Rect } from './treemap-layout.js'

const W = 1200
const H = 600
const HEADER = 18
const CHAR = 6.4

interface Leaf {
  readonly name: string
  readonly bytes: number
  readonly title: string
}

interface Group {
  readonly name: string
  readonly bytes: number
  readonly hue: number
  readonly sat: number
  readonly hatch: boolean
  readonly leaves: Leaf[]
}

export function treemapSvg(a: ByteAttribution): Html {
  const groups = groupsOf(a)
  const placed = squarify(groups, (g) => g.bytes, { x: 0, y: 0, w: W, h: H })
  return html`${LEGEND}<svg class="treemap" viewBox="0 0 ${W} ${H}" role="img" xmlns="http://www.w3.org/2000/svg"
 aria-label="${`treemap of ${a.total} bytes`}"><defs><pattern id="hatch" width="8" height="8"
 patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#d9d9d9"/>
<line x1="0" y1="0" x2="0" y2="8" stroke="#a8a8a8" stroke-width="3"/></pattern></defs>
${placed.map((p) => groupSvg(p.item, p.rect, a.total))}</svg>`
}

function groupsOf(a: ByteAttribution): Group[] {
  const mods = a.modules.map((m) => moduleGroup(m, a.total))
  const sections: Group = {
    name: 'sections and headers' + (a.code === 'function table' ? ' (data, tables; not split by package)' : ''),
    bytes: a.sections.reduce((n, s) => n + s.bytes, 0),
    hue: 40,
    sat: 12,
    hatch: false,
    leaves: a.sections.map((s) => ({ ...s, title: `${s.name}: ${bytesText(s.bytes, a.total)}` })),
  }
  const un: Group = {
    name: 'unattributed',
    bytes: a.unattributed.reduce((n, s) => n + s.bytes, 0),
    hue: 0,
    sat: 0,
    hatch: true,
    leaves: a.unattributed.map((s) => ({ ...s, title: `unattributed: ${s.name}: ${bytesText(s.bytes, a.total)}` })),
  }
  return [...mods, sections, un]
}

// Fixed hues by role, so the standard library and the user's own code are recognisable at a glance.
const ROLE_HUE = { main: 135, std: 212, generated: 275 } as const
const DEP_HUES = [28, 48, 330, 175, 8, 300, 190, 65]

function moduleGroup(m: ModuleBytes, total: number): Group {
  const dep = m.role === 'dependency' || m.role === 'unknown'
  const hue = dep ? DEP_HUES[hash(m.path) % DEP_HUES.length]! : ROLE_HUE[m.role]
  const label = m.version === null ? m.path : `${m.path} ${m.version}`
  return {
    name: label,
    bytes: m.bytes,
    hue,
    sat: 55,
    hatch: false,
    leaves: m.packages.map((p) => ({
      name: p.path,
      bytes: p.bytes,
      title: `${p.path} (${label}): ${bytesText(p.bytes, total)} of code in ${p.functions} functions`,
    })),
  }
}

function groupSvg(g: Group, r: Rect, total: number): Html {
  const title = `${g.name}: ${bytesText(g.bytes, total)}`
  const roomy = r.h > HEADER * 2 && r.w > 60
  const inner = roomy ? { x: r.x + 1, y: r.y + HEADER, w: r.w - 2, h: r.h - HEADER - 1 } : r
  const leaves = squarify(g.leaves, (l) => l.bytes, inner)
  const fill = g.hatch ? 'url(#hatch)' : `hsl(${g.hue} ${g.sat}% 38%)`
  const head = `${g.name} · ${humanBytes(g.bytes)}`
  return html`<g class="group"><rect x="${n(r.x)}" y="${n(r.y)}" width="${n(r.w)}" height="${n(r.h)}"
 fill="${fill}" stroke="#fff" stroke-width="2"><title>${title}</title></rect>
${roomy ? label(head, r.x + 4, r.y + 13, r.w - 8, g.hatch ? '#222' : '#fff', 'glabel') : ''}
${leaves.map((p, i) => leafSvg(p.item, p.rect, g, i))}</g>`
}

function leafSvg(l: Leaf, r: Rect, g: Group, i: number): Html {
  const light = 62 + (i % 3) * 7
  const fill = g.hatch ? 'url(#hatch)' : `hsl(${g.hue} ${g.sat}% ${light}%)`
  const name = r.h >= 14 ? label(l.name, r.x + 3, r.y + 12, r.w - 6, '#111', 'leaf') : ''
  const size = r.h >= 28 ? label(humanBytes(l.bytes), r.x + 3, r.y + 24, r.w - 6, '#333', 'leaf') : ''
  return html`<g><title>${l.title}</title><rect x="${n(r.x)}" y="${n(r.y)}" width="${n(r.w)}"
 height="${n(r.h)}" fill="${fill}" stroke="#fff" stroke-width="0.6"/>${name}${size}</g>`
}

// Text only where it fits, shortened with an ellipsis rather than spilling over a neighbour.
function label(text: string, x: number, y: number, room: number, color: string, cls: string): Html | '' {
  const chars = Math.floor(room / CHAR)
  if (chars < 3) return ''
  const shown = text.length <= chars ? text : `${text.slice(0, chars - 1)}…`
  return html`<text class="${cls}" x="${n(x)}" y="${n(y)}" fill="${color}">${shown}</text>`
}

export function bytesText(bytes: number, total: number): string {
  const pct = total > 0 ? ((100 * bytes) / total).toFixed(1) : '0.0'
  return `${humanBytes(bytes)} (${bytes.toLocaleString('en-US')} bytes, ${pct}%)`
}

function n(v: number): string {
  return (Math.round(v * 10) / 10).toString()
}

function hash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0
  return h
}

const swatch = (bg: string, text: string): Html =>
  html`<span class="swatch" style="${`background:${bg}`}"></span>${text} `
const LEGEND = html`<p class="legend">${[
  swatch(`hsl(${ROLE_HUE.main} 55% 62%)`, 'your module'),
  swatch(`hsl(${ROLE_HUE.std} 55% 62%)`, 'standard library'),
  swatch(`hsl(${DEP_HUES[0]} 55% 62%)`, 'dependencies (one hue each)'),
  swatch(`hsl(${ROLE_HUE.generated} 55% 62%)`, 'compiler-generated'),
  swatch('hsl(40 12% 70%)', 'sections and headers'),
  swatch('#bdbdbd', 'unattributed (hatched)'),
]}</p>`

/** The CSS the treemap's classes use. */
export const TREEMAP_CSS = raw(`svg.treemap{width:100%;height:auto;display:block;font:11px system-ui,sans-serif}
svg.treemap text{pointer-events:none}svg.treemap .glabel{font-weight:600}
.legend{font-size:12px;color:#444;margin:4px 0}.swatch{display:inline-block;width:11px;height:11px;margin:0 4px 0 8px;
vertical-align:-1px;border-radius:2px}`)
