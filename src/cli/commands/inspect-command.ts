import { ErrorCode, GostaticError } from '../../errors.js'

export async function inspectCommand(_target: string, _json: boolean): Promise<number> {
  throw new GostaticError(ErrorCode.UNSUPPORTED, 'inspect is not implemented yet')
}
