// The config file names gostatic looks for, apart from the loader so that
// finding one loads nothing else.
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export const CONFIG_NAMES = [
  'gostatic.config.ts',
  'gostatic.config.mts',
  'gostatic.config.js',
  'gostatic.config.mjs',
] as const

/** The first config file in `dir`, in CONFIG_NAMES order, or undefined. */
export function findConfig(dir: string): string | undefined {
  return CONFIG_NAMES.map((n) => join(dir, n)).find((p) => existsSync(p))
}
