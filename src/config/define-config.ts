// gostatic.config.ts: `export default defineConfig({ services: [...] })` or
// `defineConfig({ workspace: goWorkspace({ root: '.' })... })`.
import { z } from 'zod'
import { GoService } from '../builder/go-service.js'
import type { GoWorkspace } from '../workspace/go-workspace.js'
import type { ServiceSpecInput } from '../spec/service-spec.js'
import { strict } from '../spec/strict.js'

/** A service in a config: a builder, or plain spec input (name and source required). */
export type ConfigService = GoService | ServiceSpecInput

// A config file may import a different copy of gostatic than the CLI's (the
// config loader's, or another install's), so builders are recognised by shape.
const hasMethod = (m: string) => (v: unknown) =>
  typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[m] === 'function'
const builderLike = z.custom<{ toSpec(): unknown }>((v) => v instanceof GoService || hasMethod('toSpec')(v))
const workspaceLike = z.custom<{ resolve(base?: string): unknown }>(hasMethod('resolve'), {
  error: 'workspace must be a goWorkspace(...) builder',
})

const SERVICE_RULE = 'each service is a goService(...) builder or an object with at least { name, source }'
const serviceEntry = z.union([builderLike, z.looseObject({ name: z.string(), source: z.string() })], {
  error: (iss) => `${SERVICE_RULE}; got ${describeEntry(iss.input)}`,
})

export const ConfigSchema = strict({
  services: z
    .array(serviceEntry, {
      error: 'services must be a list of goService(...) builders or { name, source, ... } objects',
    })
    .optional(),
  workspace: workspaceLike.optional(),
  repo: z.string({ error: "repo is a repository like '127.0.0.1:5000/team'" }).optional(),
}).refine((c) => (c.services?.length ?? 0) > 0 || c.workspace !== undefined, {
  error: 'the config lists no services: give services: [...] or a workspace',
})

function describeEntry(v: unknown): string {
  if (typeof v !== 'object' || v === null) return v === null ? 'null' : `${typeof v} ${JSON.stringify(v)}`
  const missing = ['name', 'source'].filter((k) => typeof (v as Record<string, unknown>)[k] !== 'string')
  return missing.length ? `an object without ${missing.map((k) => `a string ${k}`).join(' or ')}` : 'an object'
}

export interface GostaticConfig {
  services?: ConfigService[]
  /** Its root and service folders resolve against the config file's folder. */
  workspace?: GoWorkspace
  /** Where `--push` with no reference sends images: `<repo>/<service>:<tag>`; GOSTATIC_REPO overrides it. */
  repo?: string
}

/** Identity function that gives a config file types, as vite's defineConfig does. */
export function defineConfig(config: GostaticConfig): GostaticConfig {
  return config
}
