// The timestamp every engine writes into image files and configs: the
// caller's value, else SOURCE_DATE_EPOCH (reproducible-builds.org), else 0.
import { ErrorCode, GostaticError } from '../errors.js'

export function sourceDateEpoch(opts: { sourceDateEpoch?: number }, env: NodeJS.ProcessEnv): number {
  if (opts.sourceDateEpoch !== undefined) return opts.sourceDateEpoch
  const v = env['SOURCE_DATE_EPOCH']
  if (v === undefined || v === '') return 0
  if (!/^\d+$/.test(v)) throw new GostaticError(ErrorCode.INVALID_CONFIG, `SOURCE_DATE_EPOCH must be whole seconds since 1970, got '${v}'`)
  return Number(v)
}
