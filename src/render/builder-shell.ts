// Shell text for the builder stage, shared by the Dockerfile renderer and the
// Dagger builder so the two run the very same commands. It only spells out
// what the plan decided (tools, packages, strip candidates and args).
import type { GoPlan, StripPlan } from '../plan/build-plan.js'
import { shJoin, shq } from '../util/shell-quote.js'

/**
 * Installs the plan's builder tools only when the image lacks one of them:
 * an overridden GO_IMAGE may ship them, and pipeline containers may have no
 * network. Empty when the plan needs no tools.
 */
export function installLine(b: GoPlan['builderTools']): string {
  if (b.tools.length === 0) return ''
  const pkgs = [...new Set(b.tools.map((t) => t.package))].join(' ')
  const install =
    b.manager === 'apk'
      ? `apk add --no-cache ${pkgs}`
      : `apt-get update && apt-get install -y --no-install-recommends ${pkgs} && rm -rf /var/lib/apt/lists/*`
  // A tool no package provides at the pinned version (zig from its wheel) is set up after the packages.
  const setup = b.tools.flatMap((t) => t.setup ?? [])
  return (
    `${b.tools.map((t) => `command -v ${t.command} >/dev/null`).join(' && ')} || (` +
    `${[install, ...setup].join(' && ')})`
  )
}

/** What a strip loop with a record file wrote: the tool that stripped, or every tool that tried and why it failed. */
export type StripRecord = { kind: 'stripped'; tool: string } | { kind: 'skipped'; tried: string[] }

/**
 * Tries the candidates in order on a copy of `path` and moves the first
 * success into place, so a tool that cannot read the target's ELF never
 * leaves a half-written binary. With `record`, the outcome goes to that file
 * (`stripped <tool>`, or one `tried <tool>: <last stderr line>` per failure),
 * for an engine to read back; without, only the skip warning on stderr.
 */
export function stripLoop(
  s: Pick<StripPlan, 'candidates' | 'args' | 'skipWarning'>,
  path: string,
  record?: string,
): string {
  const tmp = `${path}.strip`
  const log = (text: string) => (record ? ` && echo ${text} >> ${record}` : '')
  return [
    ...(record ? [`: > ${record}`] : []),
    `for s in ${s.candidates.join(' ')}; do command -v "$s" >/dev/null || continue; cp ${path} ${tmp}`,
    `if err=$("$s" ${shJoin(s.args)} ${tmp} 2>&1); then mv ${tmp} ${path}${log('"stripped $s"')}; exit 0; fi`,
    `rm -f ${tmp}${log('"tried $s: $(printf \'%s\\n\' "$err" | tail -n 1)"')}; done`,
    `echo ${shq(`warning: ${s.skipWarning}`)} >&2`,
  ].join('; ')
}

export function parseStripRecord(text: string): StripRecord {
  const lines = text.split('\n').filter((l) => l !== '')
  const ok = lines.find((l) => l.startsWith('stripped '))
  if (ok) return { kind: 'stripped', tool: ok.slice('stripped '.length) }
  return { kind: 'skipped', tried: lines.filter((l) => l.startsWith('tried ')).map((l) => l.slice('tried '.length)) }
}
