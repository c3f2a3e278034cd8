// What a binary can need from its image at run time, by stable id, and the
// user's policy for needs an image does not meet. The rules that find and
// check needs live in plan/; the ids are here because the spec names them.
import { z } from 'zod'

export const NEED_IDS = [
  'zoneinfo',
  'ca-roots',
  'users',
  'name-resolution',
  'service-names',
  'temp-dir',
  'local-zone',
  'env-paths',
  'home',
  'cgo-stub',
] as const

export const NeedIdSchema = z.enum(NEED_IDS, {
  error: (iss) => `unknown runtime need '${String(iss.input)}'; allowed: ${NEED_IDS.join(', ')}`,
})

export const NeedsOptionsSchema = z.strictObject({
  /** Unmet needs (warnings on scratch and image bases) fail the build instead. */
  strict: z.boolean().default(false),
  /**
   * Needs the service does not have although the binary links the code (a volume provides the file, a code path is
   * never taken).
   */
  ignore: z
    .array(
      NeedIdSchema.refine((id) => id !== 'cgo-stub', {
        error: "'cgo-stub' cannot be ignored: a cgo stub fails on every base; replace the module",
      }),
    )
    .default([]),
})

export type NeedId = z.infer<typeof NeedIdSchema>
export type NeedsOptions = z.infer<typeof NeedsOptionsSchema>
