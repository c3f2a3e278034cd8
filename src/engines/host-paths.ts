// Before a build runs (on either engine) and before a Dockerfile is rendered:
// every copy() and caCertificates({ file }) path must stay in the source
// folder, links resolved, so a link out is refused up front, naming the link,
// rather than after a compile. Both engines check again as they read (a
// tree can change meanwhile). docker build cannot follow a link out of its
// context at all, so for the Dockerfile the opt-in does not apply.
import { existsSync } from 'node:fs'
import { ErrorCode, isGostaticError } from '../errors.js'
import type { BuildPlan, CaSource, RuntimeFile } from '../plan/build-plan.js'
import { confinedPathSync, type Confinement } from '../util/confined-path.js'

const DOCKER_HINT = 'a Dockerfile build reads only its context, the source folder: copy the file into it'
const HINTS = {
  copy: 'copy() paths are relative to the service source folder',
  ca: 'the file is a PEM bundle, relative to the service source folder',
}

/**
 * Throws PATH_OUTSIDE_SOURCE for the first host path of the plan that a symlink leads out of the source
 * folder. A path that does not exist is left to the read (or docker build) to report: rendering needs no tree.
 */
export function checkHostPaths(plan: BuildPlan, forDocker = false): void {
  if (!existsSync(plan.source.dir)) return
  const c: Confinement = { root: plan.source.dir, followOutside: !forDocker && plan.source.links === 'follow' }
  const check = (rel: string, field: string, hint: string) => {
    try {
      confinedPathSync(c, rel, field, forDocker ? DOCKER_HINT : hint)
    } catch (e) {
      if (!(isGostaticError(e) && e.code === ErrorCode.INPUT_NOT_FOUND)) throw e
    }
  }
  const ca: { readonly [K in CaSource['kind']]: (s: Extract<CaSource, { kind: K }>) => void } = {
    'node-root-store': () => undefined,
    file: (s) => check(s.from, 'caCertificates.file', HINTS.ca),
  }
  const files: { readonly [K in RuntimeFile['kind']]: (f: Extract<RuntimeFile, { kind: K }>) => void } = {
    text: () => undefined,
    dir: () => undefined,
    zoneinfo: () => undefined,
    'host-file': (f) => check(f.from, `copy('${f.from}')`, HINTS.copy),
    'ca-bundle': (f) => (ca[f.source.kind] as (s: CaSource) => void)(f.source),
  }
  for (const f of plan.runtime.files) (files[f.kind] as (f: RuntimeFile) => void)(f)
}
