// The folder a service builds from, for callers that group or locate services
// before any build: an invalid spec gives undefined here and fails in its own build.
import { resolve } from 'node:path'
import type { GoService } from './go-service.js'

export function sourceOf(s: GoService): string | undefined {
  try {
    return resolve(s.toSpec().source)
  } catch {
    return undefined
  }
}
