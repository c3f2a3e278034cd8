// What a build attests with beyond its images, gathered once when the build
// starts: the signer (a bad key fails before any compile), the git source,
// and the spec as the user gave it.
import type { SourceFact } from '../attest/provenance.js'
import type { Signer } from '../attest/signer.js'
import type { ServiceSpec } from '../spec/service-spec.js'
import { gitSource } from '../toolchain/git-source.js'
import { loadSigner, type SignOptions } from './sign-key.js'

export interface AttestContext {
  readonly signer: Signer | null
  readonly source: SourceFact | null
  /** null when the plan was built without its spec (buildPlan called directly). */
  readonly spec: ServiceSpec | null
}

export async function attestContext(
  dir: string,
  spec: ServiceSpec | null,
  sign: SignOptions | undefined,
  env: NodeJS.ProcessEnv,
): Promise<AttestContext> {
  const signer = sign === undefined ? null : loadSigner(sign, env)
  return { signer, source: await gitSource(dir, env), spec }
}

export const NO_ATTEST: AttestContext = { signer: null, source: null, spec: null }
