// Builds a plan into a BuildResult: the engine makes and verifies the images,
// then the result adds the operations over them (export, publish, load).
import type { BuildPlan } from '../plan/build-plan.js'
import type { ServiceSpec } from '../spec/service-spec.js'
import { runEngine, type EngineOptions } from '../engines/build.js'
import type { BuildResult } from './build-result.js'
import { attestContext } from './attest-context.js'
import type { SignOptions } from './sign-key.js'

export type { EngineChoice, LocalEngineOptions } from '../engines/build.js'

/** The options of GoService.build and buildPlan. */
export interface BuildOptions extends Omit<EngineOptions, 'runGo' | 'inputsDigest'> {
  /** Sign the image, its SBOMs and provenance on export (attach) and publish. The key is read when the build starts. */
  sign?: SignOptions
}

/** `spec` (what GoService.build passes) becomes the provenance's externalParameters. */
export async function buildPlan(plan: BuildPlan, opts: BuildOptions = {}, spec?: ServiceSpec): Promise<BuildResult> {
  const { sign, ...engine } = opts
  // Before the engine starts, so a bad key fails before any compile.
  const attest = await attestContext(plan.source.dir, spec ?? null, sign, opts.env ?? process.env)
  const output = await runEngine(plan, engine)
  // The archive writer and the supply chain load with the first result, so `import 'gostatic'` stays quick.
  const { imageResult } = await import('./image-result.js')
  return imageResult({ ...output, attest })
}
