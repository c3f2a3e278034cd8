// Why the plan looks the way it does, for explain(). Pure text from the spec.
import type { ServiceSpec } from '../spec/service-spec.js'
import type { PlanNote } from './build-plan.js'
import { tzStrategy } from './runtime-plan.js'
import { caNote, caSource } from './ca-bundle.js'
import type { CgoPlan } from './build-plan.js'
import { cgoNotes } from './cgo-notes.js'
import { hint } from '../hints.js'

export function planNotes(spec: ServiceSpec, tags: readonly string[], cgo: CgoPlan | null): PlanNote[] {
  const notes: PlanNote[] = [
    ...(cgo === null ? [CGO_OFF[0]!, NO_A, CGO_OFF[1]!] : [...cgoNotes(cgo), NO_A]),
    {
      topic: '-trimpath',
      text:
        'Removes host paths from the binary so builds on different machines are ' +
        'byte-identical; the Go build info records it and verify checks it.',
    },
    {
      topic: '-ldflags -s -w',
      text:
        '-s drops the symbol table and -w the DWARF data at link time. The Go build ID ' +
        'stays: with -trimpath it is a hash of the inputs, so it is reproducible, and it lets go build skip ' +
        'relinking an unchanged binary.',
    },
    {
      topic: '-buildvcs=false',
      text:
        'VCS stamping needs git inside the builder and makes a dirty tree build ' +
        'differently; off for reproducible images.',
    },
  ]
  if (spec.strip)
    notes.push({
      topic: 'strip --strip-unneeded',
      text:
        'Removes what -s -w leave (a few section ' +
        'headers and notes); the loadable segments are checked to be unchanged afterwards.',
    })
  const tz = tzStrategy(spec)
  if (tz === 'timetzdata')
    notes.push({
      topic: 'timetzdata',
      text:
        'The runtime base has no zoneinfo gostatic ' +
        'controls, so the tz database (~450 KB) is embedded in the binary with the timetzdata tag.',
    })
  if (tz === 'files')
    notes.push({
      topic: 'zoneinfo',
      text:
        `Zone files ` +
        `(${spec.timezones === 'all' ? 'all' : spec.timezones!.join(', ')}) go to /usr/share/zoneinfo, where Go's ` +
        `time.LoadLocation looks first.`,
    })
  const ca = caSource(spec)
  if (ca) notes.push(caNote(ca))
  if (spec.mod === undefined)
    notes.push({
      topic: 'GOFLAGS',
      text: 'No -mod given: Go uses vendor/ when it exists and matches go.mod, the module cache otherwise.',
    })
  if (tags.length > 0) notes.push({ topic: 'tags', text: `Build tags: ${tags.join(', ')}.` })
  return notes
}

const NO_A: PlanNote = {
  topic: 'no -a',
  text:
    "The seed recipe's `-a` forces every package to rebuild; it was needed before Go 1.10 cached builds by content. " +
    'Today it only makes builds slow, so it is not emitted.',
}

const CGO_OFF: PlanNote[] = [
  {
    topic: 'CGO_ENABLED=0',
    text:
      'With cgo off, the Go linker links internally and never calls a C linker, so the binary has no PT_INTERP ' +
      'and no DT_NEEDED: it runs on scratch. Verified after the build, not assumed.',
  },
  {
    topic: "no -extldflags '-static'",
    text:
      'extldflags are passed to the external (C) linker, which CGO_ENABLED=0 never runs; the flag is a no-op and ' +
      'hides ' +
      'the real question (is cgo off?), so it is not emitted. It is right only with ' +
      `${hint('cgo')}, where a C linker does run.`,
  },
]
