import { ErrorCode, GostaticError } from '../../errors.js'
import type { BuildFlags } from '../parse-cli.js'

export async function buildCommand(_dir: string, _flags: BuildFlags): Promise<number> {
  throw new GostaticError(ErrorCode.UNSUPPORTED, 'build is not implemented yet')
}
