// What a TZ value asks of the image, read as Go's time package reads it at
// start-up (time/zoneinfo_unix.go, initLocal): unset or empty, or UTC, needs
// no file; ':' is dropped; an absolute path names the file itself; anything
// else is a zone Go looks up under /usr/share/zoneinfo and the other zone
// directories, then in an embedded time/tzdata. A zone Go's database does
// not have runs the program in UTC without a word, so the plan refuses it.
import { ErrorCode, GostaticError } from '../errors.js'
import { GO_ZONES } from './go-zones.js'

export type TzValue =
  | { readonly kind: 'utc' }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'zone'; readonly zone: string }

const ZONES = new Set(GO_ZONES)

export function readTz(value: string | undefined): TzValue {
  const tz = value?.startsWith(':') ? value.slice(1) : (value ?? '')
  if (tz === '' || tz === 'UTC') return { kind: 'utc' }
  if (tz.startsWith('/')) return { kind: 'path', path: tz }
  return { kind: 'zone', zone: tz }
}

/** Whether Go's zone database has the zone. */
export const isGoZone = (zone: string): boolean => ZONES.has(zone)

/** Refuses a TZ in the spec's runtimeEnv that names no zone Go knows. */
export function assertKnownTz(service: string, value: string | undefined): void {
  const tz = readTz(value)
  if (tz.kind !== 'zone' || isGoZone(tz.zone)) return
  const near = GO_ZONES.filter((z) => z.toLowerCase() === tz.zone.toLowerCase() || z.endsWith(`/${tz.zone}`))
  throw new GostaticError(
    ErrorCode.INVALID_SPEC,
    `${service}: runtimeEnv TZ='${value}' names no zone in Go's time zone database, ` +
      'so Go would run the program in UTC without an error',
    {
      hint:
        (near.length > 0
          ? `did you mean ${near
              .slice(0, 3)
              .map((z) => `'${z}'`)
              .join(' or ')}? `
          : '') + "use a zone name like 'Asia/Tokyo', 'UTC', or an absolute path to a zone file in the image",
    },
  )
}
