// The build options only the Dagger engine reads, named through
// dagger-types.d.ts so that the public declarations need the SDK only when
// it is installed.
import type { DaggerClient, DaggerDirectory } from './dagger-types.js'

export interface DaggerBuildOptions {
  /** The `dag` of an existing Dagger connection; without it gostatic opens its own. */
  dag?: DaggerClient
  /** A Dagger Directory to build from instead of the plan's host folder. */
  source?: DaggerDirectory
  /**
   * Prefix of the module and build cache volume names (default 'gostatic');
   * projects that must not share caches set their own.
   */
  cacheKey?: string
}
