// The gostatic:// references in Kubernetes YAML, found with the `yaml`
// package's parser (every document of a multi-document stream, any field,
// not a regex), and replaced in the original text by splicing each scalar's
// source range: comments, order, indentation and quoting stay byte for byte.
import { LineCounter, isScalar, parseAllDocuments, visit, Scalar } from 'yaml'
import { ErrorCode, GostaticError } from '../../errors.js'

export const SCHEME = 'gostatic://'
const INLINE = new Set<Scalar['type']>([Scalar.PLAIN, Scalar.QUOTE_DOUBLE, Scalar.QUOTE_SINGLE])

/** One gostatic:// scalar: where it is and what it names. */
export interface ManifestRef {
  /** The path after gostatic://, as written. */
  readonly target: string
  readonly file: string
  readonly line: number
  readonly range: readonly [number, number]
  readonly type: Scalar['type']
}

export interface ManifestText {
  /** The name messages use: the path given, or <stdin>. */
  readonly file: string
  readonly text: string
}

/** Every gostatic:// reference in the file, in source order; a YAML syntax error names the file and line. */
export function findRefs(m: ManifestText): ManifestRef[] {
  const lines = new LineCounter()
  const docs = parseAllDocuments(m.text, { lineCounter: lines, keepSourceTokens: false })
  const list = Array.isArray(docs) ? docs : [docs]
  const refs: ManifestRef[] = []
  for (const doc of list) {
    const bad = doc.errors[0]
    if (bad) {
      const at = lines.linePos(bad.pos[0])
      throw new GostaticError(
        ErrorCode.INVALID_CONFIG,
        `${m.file}:${at.line}: not valid YAML: ${bad.message.split('\n')[0]}`,
      )
    }
    visit(doc, {
      Scalar(_key, node) {
        // A reference is a whole one-line string, as in ko: not a block scalar, not a mention in prose.
        if (!isScalar(node) || typeof node.value !== 'string' || !node.value.startsWith(SCHEME) || !node.range) return
        if (!INLINE.has(node.type) || /\s/.test(node.value)) return
        const [start, end] = node.range
        refs.push({
          target: node.value.slice(SCHEME.length),
          file: m.file,
          line: lines.linePos(start).line,
          range: [start, end],
          type: node.type,
        })
      },
    })
  }
  return refs
}

/** The text with each reference's scalar replaced by `replacement(ref)`, written in the scalar's own quoting. */
export function replaceRefs(
  m: ManifestText,
  refs: readonly ManifestRef[],
  replacement: (ref: ManifestRef) => string,
): string {
  let out = ''
  let at = 0
  for (const r of [...refs].sort((a, b) => a.range[0] - b.range[0])) {
    out += m.text.slice(at, r.range[0]) + quoted(replacement(r), r.type)
    at = r.range[1]
  }
  return out + m.text.slice(at)
}

// A digest reference (registry/repo@sha256:hex) needs no escaping in any style: no quotes, no '#', no ': '.
function quoted(value: string, type: Scalar['type']): string {
  if (type === Scalar.QUOTE_DOUBLE) return `"${value}"`
  if (type === Scalar.QUOTE_SINGLE) return `'${value}'`
  return value
}

/** The files' texts as one stream, ko's way: each file's documents, `---` between files. */
export function joinManifests(texts: readonly string[]): string {
  return texts
    .map((t) => (t.endsWith('\n') || t === '' ? t : `${t}\n`))
    .map((t, i) => (i === 0 || /^---(\s|$)/.test(t) ? t : `---\n${t}`))
    .join('')
}
