// Finds and loads gostatic.config.ts (or .mts/.js/.mjs), and turns its
// services into builders with sources resolved against the file.
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'
import { ErrorCode, GostaticError, isGostaticError } from '../errors.js'
import { defaultCacheDir } from '../oci/cache-dir.js'
import { GoService } from '../builder/go-service.js'
import { ConfigSchema } from './define-config.js'
import { CONFIG_NAMES, findConfig } from './find-config.js'
import type { ServiceSpecInput } from '../spec/service-spec.js'
import type { ResolvedWorkspace } from '../workspace/go-workspace.js'

export { CONFIG_NAMES, findConfig }

// Node loads .js/.mjs itself. TypeScript goes through jiti, in ESM and CommonJS
// projects alike; it is imported only here, on the CLI's config path, so the
// API never loads it.
async function importConfig(path: string): Promise<unknown> {
  if (/\.m?js$/.test(path)) return import(pathToFileURL(path).href)
  const { createJiti } = await import('jiti')
  // interopDefault off: a config with no default export must look like one, not like its own namespace.
  return createJiti(import.meta.url, { moduleCache: false, interopDefault: false, fsCache: transformCache() }).import(
    path,
  )
}

// jiti's transform cache keeps repeated runs fast. It lives in gostatic's own
// cache folder, not the temp folder or the user's node_modules; a folder that
// can't be written means no cache, not a failed config.
function transformCache(): string | false {
  const dir = join(defaultCacheDir(), 'jiti')
  try {
    mkdirSync(dir, { recursive: true })
    accessSync(dir, constants.W_OK)
    return dir
  } catch {
    return false
  }
}

export interface LoadedConfig {
  readonly services: GoService[]
  /** Set when the config declares a workspace; its services are in `services`. */
  readonly workspace: ResolvedWorkspace | null
  /** The config's default repository, if it names one. */
  readonly repo?: string
}

export async function loadConfig(file: string): Promise<LoadedConfig> {
  const path = resolve(file)
  if (!existsSync(path)) throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `config file ${file} does not exist`)
  if (statSync(path).isDirectory())
    throw new GostaticError(
      ErrorCode.INVALID_CONFIG,
      `config file ${file} is a folder; --config takes the file, like ${join(file, CONFIG_NAMES[0])}`,
      { hint: 'or pass the folder as the [dir] argument, and gostatic finds the config in it' },
    )
  let mod: { default?: unknown }
  try {
    mod = (await importConfig(path)) as { default?: unknown }
  } catch (e) {
    throw new GostaticError(ErrorCode.INVALID_CONFIG, `could not load ${file}: ${loadFailure(e)}`, { cause: e })
  }
  // A config compiled to CommonJS may carry its default export one level down.
  let exported = mod.default
  if (
    typeof exported === 'object' &&
    exported !== null &&
    'default' in exported &&
    !('services' in exported) &&
    !('workspace' in exported)
  )
    exported = (exported as { default: unknown }).default
  const shape = exportProblem(exported)
  if (shape !== undefined)
    throw new GostaticError(
      ErrorCode.INVALID_CONFIG,
      `${file}: ${shape}; use \`export default defineConfig({ services: [...] })\` or defineConfig({ workspace })`,
    )
  const r = ConfigSchema.safeParse(exported)
  if (!r.success) throw new GostaticError(ErrorCode.INVALID_CONFIG, `${file}: ${z.prettifyError(r.error)}`)
  const base = dirname(path)
  // Builders from the config's own copy of gostatic become ours through their specs.
  const own = (s: unknown) =>
    'toSpec' in (s as object) && typeof (s as GoService).toSpec === 'function'
      ? new GoService((s as GoService).toSpec() as ServiceSpecInput)
      : new GoService(s as ServiceSpecInput)
  const services = (r.data.services ?? []).map((s) =>
    own(s).resolveSource((src) => (isAbsolute(src) ? src : resolve(base, src))),
  )
  let workspace: ResolvedWorkspace | null = null
  if (r.data.workspace) {
    const w = resolveWorkspace(() => r.data.workspace!.resolve(base) as ResolvedWorkspace, file)
    workspace = { ...w, services: w.services.map(own) }
    services.push(...workspace.services)
  }
  const dup = services.map((s) => s.name).find((n, i, a) => a.indexOf(n) !== i)
  if (dup)
    throw new GostaticError(
      ErrorCode.INVALID_CONFIG,
      `${file}: two services are named '${dup}'; give each service its own name`,
    )
  return { services, workspace, ...(r.data.repo !== undefined ? { repo: r.data.repo } : {}) }
}

/** Why the default export cannot be a config at all, before its fields are looked at. */
function exportProblem(v: unknown): string | undefined {
  if (v === undefined) return 'has no default export'
  if (typeof v === 'function') return 'its default export is a function; export the config object itself'
  if (
    v instanceof Promise ||
    (typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function')
  )
    return (
      'its default export is a Promise; export the config object itself (await what you need at the top of the ' +
      'file)'
    )
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return (
      `its default export is ${Array.isArray(v) ? 'an array' : v === null ? 'null' : `a ${typeof v}`}, not a ` +
      `config object`
    )
  return undefined
}

/** The loader's message without Node's "Require stack" and a loader's module namespace query. */
function loadFailure(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e)
  return text
    .split('\nRequire stack:')[0]!
    .replace(/\?namespace=[\w-]+/g, '')
    .trim()
}

/** The workspace's own errors, with the config file they come from. */
function resolveWorkspace(resolveIt: () => ResolvedWorkspace, file: string): ResolvedWorkspace {
  try {
    return resolveIt()
  } catch (e) {
    if (!isGostaticError(e)) throw e
    throw new GostaticError(e.code, `${file}: ${e.message}`, { ...(e.hint ? { hint: e.hint } : {}), cause: e })
  }
}
