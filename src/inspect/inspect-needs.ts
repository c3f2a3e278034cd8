// The needs part of an inspect report: needs read from the binary's own
// bytes, then checked against the image's files with the same pure rules a
// build uses (plan/runtime-needs.ts, plan/needs-check.ts). inspect has no
// base to add files to, so it checks as for an image base: met or unmet.
import { isGostaticError } from '../errors.js'
import type { ImageFileSet } from '../plan/image-files.js'
import { checkNeeds } from '../plan/needs-check.js'
import { needsSummary } from '../plan/needs-verdicts.js'
import { deriveNeeds } from '../plan/runtime-needs.js'
import type { BinaryEvidence, Need } from '../plan/runtime-needs.js'
import type { FunctionTableFacts, ImageConfigReport, NeedsReport } from './inspect-report.js'
import { readNeedsEvidence } from './needs-evidence.js'

export type BinaryNeeds =
  | { readonly table: FunctionTableFacts; readonly needs: Need[]; readonly evidence: BinaryEvidence }
  | { readonly table: null; readonly reason: string }

/** The needs a binary shows evidence of, or why its bytes cannot tell. */
export function binaryNeeds(bytes: Uint8Array): BinaryNeeds {
  try {
    const r = readNeedsEvidence(bytes)
    if (r.evidence === null) return { table: null, reason: r.reason }
    const { format, location, functions, names } = r.table
    const table = { format, location, functions: functions.length, names: names.length }
    return { table, needs: deriveNeeds(r.evidence), evidence: r.evidence }
  } catch (err) {
    // A damaged function table must not hide the ELF facts that were read.
    if (!isGostaticError(err)) throw err
    return { table: null, reason: `unreadable: ${err.message}` }
  }
}

/** A bare binary: what it needs, with no image to check against. */
export function derivedNeeds(b: BinaryNeeds): NeedsReport {
  if (b.table === null) return { status: 'unknown', reason: b.reason }
  const summary = b.needs.length === 0 ? 'no needs' : b.needs.map((n) => n.id).join(', ')
  return { status: 'derived', summary, needs: b.needs }
}

/** An image's entrypoint: each need against the image's files, user and env. */
export async function checkedNeeds(
  b: BinaryNeeds | null,
  files: () => Promise<ImageFileSet>,
  config: ImageConfigReport,
): Promise<NeedsReport> {
  if (b === null) return { status: 'unknown', reason: 'no entrypoint binary' }
  if (b.table === null) return { status: 'unknown', reason: b.reason }
  const image = { base: 'image' as const, files: await files(), user: config.user, env: config.env }
  // The image's env and user are evidence too (a TZ, a HOME): derive again with them.
  const needs = deriveNeeds(b.evidence, { env: config.env, user: config.user, workdir: config.workdir })
  const { verdicts } = checkNeeds(needs, image, { strict: false, ignore: [], declined: [] })
  return { status: 'checked', summary: needsSummary(verdicts), verdicts: [...verdicts] }
}
