// SOURCE_DATE_EPOCH as reproducible-builds.org defines it: whole seconds
// since 1970. Pure, so the engines (which fall back to the commit time) and
// inspect's sbom() (which falls back to 0) read the variable the same way,
// and the image configs and the SBOMs write its timestamp the same way.
import { ErrorCode, GostaticError } from '../errors.js'

/** The variable's seconds, or undefined when it is unset or empty; anything else is refused. */
export function parseSourceDateEpoch(env: NodeJS.ProcessEnv): number | undefined {
  const v = env['SOURCE_DATE_EPOCH']
  if (v === undefined || v === '') return undefined
  if (!/^\d+$/.test(v))
    throw new GostaticError(ErrorCode.INVALID_CONFIG, `SOURCE_DATE_EPOCH must be whole seconds since 1970, got '${v}'`)
  return Number(v)
}

/** The epoch as image configs and SBOMs write it: RFC 3339 in UTC, whole seconds ('2024-01-01T00:00:00Z'). */
export function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
