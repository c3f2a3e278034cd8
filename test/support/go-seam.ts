// The local engine's `go` seam is not public API (BuildOptions omits it), so
// tests hand it to a build through this one typed door.
import type { BuildOptions } from '../../src/index.js'
import type { GoRunner } from '../../src/engines/local/local-engine.js'

export type { GoRunner }

export function withGo(runGo: GoRunner): BuildOptions {
  return { runGo } as BuildOptions
}
