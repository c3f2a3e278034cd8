// gostatic.config.ts: `export default defineConfig({ services: [...] })`.
import { z } from 'zod'
import { GoService } from '../builder/go-service.js'
import type { ServiceSpecInput } from '../spec/service-spec.js'

/** A service in a config: a builder, or plain spec input (name and source required). */
export type ConfigService = GoService | ServiceSpecInput

// A config file may import a different copy of gostatic than the CLI's (tsx
// loads it in its own module namespace), so builders are recognised by shape.
const builderLike = z.custom<{ toSpec(): unknown }>((v) => v instanceof GoService || (typeof v === 'object' && v !== null && typeof (v as { toSpec?: unknown }).toSpec === 'function'))

export const ConfigSchema = z.strictObject({
  services: z
    .array(z.union([builderLike, z.looseObject({ name: z.string(), source: z.string() })]), {
      error: 'services must be a list of goService(...) builders or { name, source, ... } objects',
    })
    .min(1, { error: 'the config lists no services' }),
})

export interface GostaticConfig {
  services: ConfigService[]
}

/** Identity function that gives a config file types, as vite's defineConfig does. */
export function defineConfig(config: GostaticConfig): GostaticConfig {
  return config
}
