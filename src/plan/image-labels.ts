// The OCI labels an image gets from facts the engine reads at build time (the
// git checkout and the image time), under the plan's own labels (the user's
// win). Pure: the same commit and time give the same labels, so two clean
// builds of one commit keep one digest. A fact that would differ between two
// machines building that commit (a checkout's path) or that would be untrue (a
// revision for a modified tree, a 1970 creation time) is left out.

/** What the engine read: the git source as provenance records it, and the image time in seconds. */
export interface LabelFacts {
  readonly source: { readonly uri: string; readonly commit: string; readonly dirty: boolean } | null
  readonly epoch: number
}

const OCI = 'org.opencontainers.image'

/** `planned` (the plan's labels) over the labels these facts give, keys sorted. */
export function imageLabels(planned: Readonly<Record<string, string>>, f: LabelFacts): Record<string, string> {
  const facts: Record<string, string> = {}
  if (f.epoch > 0) facts[`${OCI}.created`] = new Date(f.epoch * 1000).toISOString().replace(/\.000Z$/, 'Z')
  if (f.source && !f.source.dirty) {
    facts[`${OCI}.revision`] = f.source.commit
    if (isRemote(f.source.uri)) facts[`${OCI}.source`] = f.source.uri
  }
  const all = { ...facts, ...planned }
  return Object.fromEntries(
    Object.keys(all)
      .sort()
      .map((k) => [k, all[k]!]),
  )
}

/** An origin URL (https://…, ssh://…, git@host:path), not a folder on the machine that built it. */
function isRemote(uri: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) || /^[\w.-]+@[\w.-]+:/.test(uri)
}
