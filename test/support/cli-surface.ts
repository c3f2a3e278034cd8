// The CLI words its hints for the terminal (--timezones, not .timezones()):
// a report computed through the API compares with the CLI's JSON only when
// computed in the CLI's wording too.
import { surface, useSurface } from '../../src/hints.js'

export async function asCli<T>(f: () => Promise<T>): Promise<T> {
  const was = surface()
  useSurface('cli')
  try {
    return await f()
  } finally {
    useSurface(was)
  }
}
