// What `doctor` takes, apart from the code that runs it, so `import 'gostatic'`
// can export the schema without loading the audit itself.
import { z } from 'zod'
import { ServiceSpecSchema } from '../spec/service-spec.js'
import { PLATFORM_NAMES } from '../spec/platform.js'

const shape = ServiceSpecSchema.shape
export const DoctorOptionsSchema = z.strictObject({
  /** Main package pattern, relative to the module (default '.'). */
  main: shape.main,
  /** The runtime the service will run on: what the plan does depends on it (default 'static'). */
  runtime: shape.runtime,
  platform: z
    .enum(PLATFORM_NAMES, {
      error: (iss) => `unknown platform '${String(iss.input)}'; allowed: ${PLATFORM_NAMES.join(', ')}`,
    })
    .default('linux/amd64'),
  tags: shape.tags,
})
export type DoctorOptions = z.input<typeof DoctorOptionsSchema> & {
  /** Base environment for `go list` (default process.env); CGO_ENABLED, GOOS and GOARCH are set on top. */
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
}
