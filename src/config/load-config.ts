// Finds and loads gostatic.config.ts (or .mts/.js/.mjs), and turns its
// services into builders with sources resolved against the file.
import { existsSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'
import { ErrorCode, GostaticError } from '../errors.js'
import { GoService } from '../builder/go-service.js'
import { ConfigSchema } from './define-config.js'
import type { ServiceSpecInput } from '../spec/service-spec.js'
import type { ResolvedWorkspace } from '../builder/go-workspace.js'

export const CONFIG_NAMES = ['gostatic.config.ts', 'gostatic.config.mts', 'gostatic.config.js', 'gostatic.config.mjs'] as const

export function findConfig(dir: string): string | undefined {
  return CONFIG_NAMES.map((n) => join(dir, n)).find((p) => existsSync(p))
}

// Node loads .js/.mjs itself. TypeScript goes through jiti, in ESM and CommonJS
// projects alike; it is imported only here, on the CLI's config path, so the
// API never loads it. Its transform cache (node_modules/.cache/jiti, else the
// temp folder) keeps repeated runs fast.
async function importConfig(path: string): Promise<unknown> {
  if (/\.m?js$/.test(path)) return import(pathToFileURL(path).href)
  const { createJiti } = await import('jiti')
  return createJiti(import.meta.url, { moduleCache: false }).import(path)
}

export interface LoadedConfig {
  readonly services: GoService[]
  /** Set when the config declares a workspace; its services are in `services`. */
  readonly workspace: ResolvedWorkspace | null
}

export async function loadConfig(file: string): Promise<LoadedConfig> {
  const path = resolve(file)
  if (!existsSync(path)) throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `config file ${file} does not exist`)
  let mod: { default?: unknown }
  try {
    mod = (await importConfig(path)) as { default?: unknown }
  } catch (e) {
    throw new GostaticError(ErrorCode.INVALID_CONFIG, `could not load ${file}: ${(e as Error).message}`, { cause: e })
  }
  // A config compiled to CommonJS may carry its default export one level down.
  let exported = mod.default
  if (typeof exported === 'object' && exported !== null && 'default' in exported && !('services' in exported) && !('workspace' in exported)) exported = (exported as { default: unknown }).default
  const r = ConfigSchema.safeParse(exported)
  if (!r.success)
    throw new GostaticError(ErrorCode.INVALID_CONFIG, `${file}: ${exported === undefined ? 'has no default export; use `export default defineConfig({ services: [...] })` or defineConfig({ workspace })' : z.prettifyError(r.error)}`)
  const base = dirname(path)
  // Builders from the config's own copy of gostatic become ours through their specs.
  const own = (s: unknown) => ('toSpec' in (s as object) && typeof (s as GoService).toSpec === 'function' ? new GoService((s as GoService).toSpec() as ServiceSpecInput) : new GoService(s as ServiceSpecInput))
  const services = (r.data.services ?? []).map((s) => own(s).resolveSource((src) => (isAbsolute(src) ? src : resolve(base, src))))
  let workspace: ResolvedWorkspace | null = null
  if (r.data.workspace) {
    const w = r.data.workspace.resolve(base) as ResolvedWorkspace
    workspace = { ...w, services: w.services.map(own) }
    services.push(...workspace.services)
  }
  const dup = services.map((s) => s.name).find((n, i, a) => a.indexOf(n) !== i)
  if (dup) throw new GostaticError(ErrorCode.INVALID_CONFIG, `${file}: two services are named '${dup}'`)
  return { services, workspace }
}
