// The one table of runtime bases: what each kind owns and does. Every
// consumer (plan, needs check, explain, Dockerfile, engines, doctor) reads a
// row of it, so a new kind in RuntimeBase is a compile error here, and only
// here, until its row is written.
import type { RuntimeBase } from './build-plan.js'

export type BaseKind = RuntimeBase['kind']
type BaseOf<K extends BaseKind> = Extract<RuntimeBase, { kind: K }>

export const NONROOT_UID = 65532
export const PATH_ENV = 'PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin'
const NONROOT = `${NONROOT_UID}:${NONROOT_UID}`

export interface BaseRow<K extends BaseKind> {
  /** gostatic writes the base's system files (passwd, group, nsswitch.conf, /tmp, a home), so nothing is pulled. */
  readonly owned: boolean
  /** The reference to pull, or null for a base gostatic makes. */
  readonly pull: (b: BaseOf<K>) => string | null
  /** The name a message gives it, and the runtime stage's FROM in a Dockerfile. */
  readonly name: (b: BaseOf<K>) => string
  readonly from: (b: BaseOf<K>) => string
  /** The env the image starts with, before the spec's; an image base keeps its own. */
  readonly env: readonly string[]
  /** The user when user() is not given; null keeps an image base's own. */
  readonly defaultUser: string | null
  /** Whether a CA bundle goes in when caCertificates() is not given. */
  readonly caByDefault: boolean
  /** How .timezones(zones) reach the binary: zoneinfo files in the image, or the tz database in the binary. */
  readonly zones: (zones: 'all' | readonly string[]) => 'files' | 'timetzdata'
  /** Whether the needs check adds the files that meet an unmet need; elsewhere it warns (or fails when strict). */
  readonly meetsNeeds: boolean
}

export const RUNTIME_BASES: { readonly [K in BaseKind]: BaseRow<K> } = {
  scratch: {
    owned: true,
    pull: () => null,
    name: () => 'scratch',
    from: () => 'scratch',
    env: [PATH_ENV],
    defaultUser: NONROOT,
    caByDefault: false,
    // Every zone as files is about 450 KB of small files; in the binary it is one blob of the same size.
    zones: (z) => (z === 'all' ? 'timetzdata' : 'files'),
    meetsNeeds: false,
  },
  static: {
    owned: true,
    pull: () => null,
    name: () => 'static',
    from: () => 'scratch',
    env: [PATH_ENV],
    defaultUser: NONROOT,
    caByDefault: true,
    zones: () => 'files',
    meetsNeeds: true,
  },
  image: {
    owned: false,
    pull: (b) => b.ref,
    name: (b) => b.ref,
    from: (b) => b.ref,
    env: [],
    defaultUser: null,
    caByDefault: false,
    // gostatic does not own an image base's files, so listed zones go into the binary.
    zones: () => 'timetzdata',
    meetsNeeds: false,
  },
}

/** The row of `b`'s kind. */
export function baseRow<K extends BaseKind>(b: { readonly kind: K }): BaseRow<K> {
  return RUNTIME_BASES[b.kind]
}

/** The reference an engine pulls for `b`, or null when gostatic makes the base. */
export function pulledRef(b: RuntimeBase): string | null {
  return baseRow(b).pull(b)
}

/** A message's name for `b`: 'scratch', 'static' or the image reference. */
export function baseName(b: RuntimeBase): string {
  return baseRow(b).name(b)
}

/** The base a runtime string names: the table's own kinds by name, any other string an image reference. */
export function baseOf(runtime: string): RuntimeBase {
  const named = Object.keys(RUNTIME_BASES).filter((k): k is Exclude<BaseKind, 'image'> => k !== 'image')
  const kind = named.find((k) => k === runtime)
  return kind === undefined ? { kind: 'image', ref: runtime } : { kind }
}
