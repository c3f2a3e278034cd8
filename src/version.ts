// The package version, from package.json, so --version never drifts from it.
import { createRequire } from 'node:module'

export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version
