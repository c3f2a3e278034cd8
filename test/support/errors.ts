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

/** The GostaticError a promise rejects with; fails the test when it resolves. */
export function errorOf(p: Promise<unknown>): Promise<GostaticError> {
  return p.then(
    () => Promise.reject(new Error('expected it to fail')),
    (e: unknown) => {
      expect(e).toBeInstanceOf(GostaticError)
      return e as GostaticError
    },
  )
}

/** The GostaticError fn throws; fails the test when it returns. */
export function thrownBy(fn: () => unknown): GostaticError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(GostaticError)
    return e as GostaticError
  }
  throw new Error('expected an error')
}
