// The image a target's runtime needs are checked against, as a container
// will see it: on scratch and static, the plan's own files, user and env; on
// an image base, the pulled base's files with ours laid over them, and the
// user and env the runtime stage ends up with (docker's semantics for a
// stage FROM the base). Pure: the engine lists the base's files and config.
import type { RuntimePlan } from './build-plan.js'
import { runtimeFileSet } from './image-files.js'
import type { ImageFileSet } from './image-files.js'
import type { ImageContext } from './needs-check.js'
import { baseRow } from './runtime-bases.js'

/** A pulled image base as the check needs it: every file after all its layers, and its config's User and Env. */
export interface NeedsBase {
  readonly files: ImageFileSet
  readonly user: string | null
  readonly env: readonly string[]
}

/** `base` is the pulled base for an image runtime base, null on scratch and static. */
export function needsImage(runtime: RuntimePlan, base: NeedsBase | null): ImageContext {
  const c = runtime.config
  if (baseRow(runtime.base).owned || base === null)
    return { base: runtime.base.kind, files: runtimeFileSet(runtime), user: c.user, env: c.env }
  const user = c.user ?? (base.user === '' ? null : base.user)
  return { base: 'image', files: runtimeFileSet(runtime, base.files), user, env: mergeEnv(base.env, c.env) }
}

/** Base order kept, a key the plan sets replaced in place, new keys appended in the plan's order. */
export function mergeEnv(base: readonly string[], plan: readonly string[]): string[] {
  const key = (kv: string) => kv.split('=', 1)[0]!
  const ours = new Map(plan.map((kv) => [key(kv), kv]))
  const merged = base.map((kv) => ours.get(key(kv)) ?? kv)
  const seen = new Set(base.map(key))
  return [...merged, ...plan.filter((kv) => !seen.has(key(kv)))]
}
