// HTML built so that nothing read from an image can become markup: the `html`
// tag escapes every interpolated value unless it is already Html (made by the
// tag itself), so a label, a file name or a build setting that holds
// `<script>` is shown as text. Attribute values are quoted and escaped alike.

/** Markup that is safe to emit as is: only the `html` tag and `raw` of a constant make one. */
export class Html {
  readonly text: string
  constructor(text: string) {
    this.text = text
  }
  toString(): string {
    return this.text
  }
}

export type HtmlValue = Html | string | number | null | undefined | readonly HtmlValue[]

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}

function emit(v: HtmlValue): string {
  if (v === null || v === undefined) return ''
  if (v instanceof Html) return v.text
  if (typeof v === 'number') return String(v)
  if (typeof v === 'string') return escapeHtml(v)
  return v.map(emit).join('')
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!
  values.forEach((v, i) => (out += emit(v) + strings[i + 1]!))
  return new Html(out)
}

/** A constant written in this code base (CSS, an SVG pattern); never pass text read from an input. */
export function raw(constant: string): Html {
  return new Html(constant)
}
