import { expect } from 'vitest'
import { ErrorCode, GostaticError } from '../../src/errors.js'

/** Expects fn to throw GostaticError(ELF_MALFORMED) and returns its message. */
export function malformedMessage(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(GostaticError)
    expect((e as GostaticError).code).toBe(ErrorCode.ELF_MALFORMED)
    return (e as GostaticError).message
  }
  throw new Error('expected ELF_MALFORMED, but it returned')
}
