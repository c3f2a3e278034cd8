// The boundary: raw input in, a valid ServiceSpec or a GostaticError out.
import { z } from 'zod'
import { ErrorCode, GostaticError } from '../errors.js'
import { ServiceSpecSchema, type ServiceSpec } from './service-spec.js'

export function parseServiceSpec(input: unknown): ServiceSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new GostaticError(
      ErrorCode.INVALID_SPEC,
      `a service spec is an object like { name: 'api', source: './api' }, or a goService(...) builder; got ` +
        `${describe(input)}`,
    )
  const r = ServiceSpecSchema.safeParse(input)
  if (r.success) return r.data
  const name =
    typeof input === 'object' && input !== null && 'name' in input
      ? String((input as { name: unknown }).name)
      : undefined
  throw new GostaticError(
    ErrorCode.INVALID_SPEC,
    `invalid service${name ? ` '${name}'` : ''}:\n${z.prettifyError(r.error)}`,
  )
}

function describe(v: unknown): string {
  return v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'string'
        ? `the string '${v}'`
        : String(typeof v)
}

export { ServiceSpecSchema }
