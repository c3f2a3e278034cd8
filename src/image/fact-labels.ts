// The OCI labels from the build's facts (git source, image time), put on each
// engine's images in one place, so both engines label alike. Over an image
// base's own labels (its org.opencontainers.image.source is not ours), under
// the plan's (the user's win); the rule is plan/image-labels.ts.
import type { BuiltImage } from '../engines/engine-output.js'
import type { BuildPlan } from '../plan/build-plan.js'
import { imageLabels, type LabelFacts } from '../plan/image-labels.js'

export function withFactLabels(images: readonly BuiltImage[], plan: BuildPlan, facts: LabelFacts): BuiltImage[] {
  const ours = imageLabels(plan.runtime.config.labels, facts)
  return images.map((i) => {
    const all: Record<string, string> = { ...(i.config.Labels ?? {}), ...ours }
    const Labels = Object.fromEntries(
      Object.keys(all)
        .sort()
        .map((k) => [k, all[k]!]),
    )
    return { ...i, config: { ...i.config, Labels } }
  })
}
