// The env doctor's `go list` runs with: the host's, plus the toolchain switch
// a build of the module would make. Without it a go.mod that needs a newer Go
// than the host's fails with "go.mod requires go >= X (running go Y;
// GOTOOLCHAIN=local)" where the build itself would succeed.
import { plan } from '../plan/plan.js'
import { readModuleFacts } from '../builder/read-module-facts.js'
import { resolveGo } from '../toolchain/go-toolchain.js'

/** `version` is the Go that runs, e.g. 'go1.27.0'. */
export async function doctorGoEnv(
  dir: string,
  hostEnv: NodeJS.ProcessEnv,
): Promise<{ env: NodeJS.ProcessEnv; version: string }> {
  const facts = readModuleFacts(dir, hostEnv['GOWORK'])
  // The same choice of Go as plan() makes for a service in this folder.
  const go = plan({ name: 'doctor', source: dir }, facts).go
  const resolved = await resolveGo(go, hostEnv)
  return { env: { ...hostEnv, ...resolved.env }, version: resolved.version }
}
