// The explain() note that says which Go builds the service and why.
import type { ModuleFacts } from '../spec/module-facts.js'
import type { GoPlan, GoVersionSource, PlanNote } from './build-plan.js'
import { OLDEST_VERIFIABLE_GO } from './go-version.js'
import { hint } from '../hints.js'

const origin: {
  [K in GoVersionSource['kind']]: (s: Extract<GoVersionSource, { kind: K }>, g: GoPlan, f: ModuleFacts | null) => string
} = {
  spec: (_s, g) => `Go ${g.version}, from ${hint('go', { version: String(g.version) })}.`,
  'toolchain-line': (s, g) =>
    `Go ${g.version}, from the toolchain line of ${s.file} (line ${s.line}): the toolchain the module asks for.`,
  'go-line': (s, g) =>
    `Go ${g.version}, from the go line of ${s.file} (line ${s.line}): the oldest Go that may build the module.`,
  host: (_s, _g, f) =>
    f === null
      ? `No ${hint('go')}, and no go.mod facts were given: the host Go builds.`
      : f.go !== null
        ? `No ${hint('go')} or toolchain line, and ${f.file}'s go ${f.go.version} is older than any Go ` +
          `gostatic verifies ` +
          `(${OLDEST_VERIFIABLE_GO}): the host Go builds.`
        : `No ${hint('go')} and no go or toolchain line in ${f.file}: the host Go builds.`,
}

export function goVersionNote(g: GoPlan, facts: ModuleFacts | null): PlanNote {
  const why = (origin[g.from.kind] as (s: GoVersionSource, g: GoPlan, f: ModuleFacts | null) => string)(
    g.from,
    g,
    facts,
  )
  const local =
    g.toolchainIfOlder === null
      ? ''
      : ` The local engine uses the host Go when it is at least that new, and otherwise ` +
        `GOTOOLCHAIN=${g.toolchainIfOlder}, which go fetches through the module proxy.`
  return { topic: 'Go version', text: `${why}${local} The Dockerfile and Dagger builder is ${g.builderImage}.` }
}
