// Finds and loads gostatic.config.ts (or .mts/.js/.mjs) through tsx, and
// turns its services into builders with sources resolved against the file.
import { existsSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'
import { tsImport } from 'tsx/esm/api'
import { ErrorCode, GostaticError } from '../errors.js'
import { GoService } from '../builder/go-service.js'
import { ConfigSchema } from './define-config.js'
import type { ServiceSpecInput } from '../spec/service-spec.js'

export const CONFIG_NAMES = ['gostatic.config.ts', 'gostatic.config.mts', 'gostatic.config.js', 'gostatic.config.mjs'] as const

export function findConfig(dir: string): string | undefined {
  return CONFIG_NAMES.map((n) => join(dir, n)).find((p) => existsSync(p))
}

export async function loadConfig(file: string): Promise<GoService[]> {
  const path = resolve(file)
  if (!existsSync(path)) throw new GostaticError(ErrorCode.INPUT_NOT_FOUND, `config file ${file} does not exist`)
  let mod: { default?: unknown }
  try {
    mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown }
  } catch (e) {
    throw new GostaticError(ErrorCode.INVALID_CONFIG, `could not load ${file}: ${(e as Error).message}`, { cause: e })
  }
  // A .ts config outside a "type": "module" package loads as CommonJS: its
  // default export then sits one level down.
  let exported = mod.default
  if (typeof exported === 'object' && exported !== null && 'default' in exported && !('services' in exported)) exported = (exported as { default: unknown }).default
  const r = ConfigSchema.safeParse(exported)
  if (!r.success)
    throw new GostaticError(ErrorCode.INVALID_CONFIG, `${file}: ${exported === undefined ? 'has no default export; use `export default defineConfig({ services: [...] })`' : z.prettifyError(r.error)}`)
  const base = dirname(path)
  return r.data.services.map((s) => {
    const svc = 'toSpec' in s && typeof s.toSpec === 'function' ? new GoService(s.toSpec() as ServiceSpecInput) : new GoService(s as ServiceSpecInput)
    return svc.resolveSource((src) => (isAbsolute(src) ? src : resolve(base, src)))
  })
}
