// cac (through mri) turns any flag value that looks like a number into one:
// `--go 1.20` arrives as 1.2, `--user ''` as 0 (a root image), `--name 010`
// as 10. So value flags are read again from argv, exactly as typed, and the
// flag schemas see strings only.
import { ErrorCode, GostaticError } from '../errors.js'

/** What this module needs of a cac option. */
export interface FlagOption {
  readonly rawName: string
  readonly name: string
  readonly isBoolean?: boolean
}

/** Every spelling of an option: '-o, --out <path>' is both '-o' and '--out'. */
const spellings = (o: FlagOption) =>
  o.rawName
    .replace(/[<[].*$/, '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

/**
 * `--concurrency -1` would reach mri as the flag `-1`; joined as
 * `--concurrency=-1` it stays the value the user meant, and gets a real error.
 */
export function joinNegativeValues(argv: readonly string[], options: readonly FlagOption[]): string[] {
  const valued = new Set(options.filter((o) => !o.isBoolean).flatMap(spellings))
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const next = argv[i + 1]
    if (valued.has(a) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`)
      i++
    } else out.push(a)
  }
  return out
}

/** Every value of the command's value flags, as typed, by option name; refuses a value given to a switch. */
export function rawFlagValues(argv: readonly string[], options: readonly FlagOption[]): Map<string, string[]> {
  const byLong = new Map(options.flatMap((o) => spellings(o).map((s) => [s, o] as const)))
  const values = new Map<string, string[]>()
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--') break
    const m = /^(--[^=]+|-[a-zA-Z])(?:=(.*))?$/s.exec(a)
    const o = m ? byLong.get(m[1]!) : undefined
    if (!m || !o) continue
    if (o.isBoolean) {
      if (m[2] !== undefined && m[2] !== 'true' && m[2] !== 'false')
        throw new GostaticError(
          ErrorCode.USAGE,
          `${m[1]} is a switch and takes no value; got '${a}' (write ${m[1]}, or ${m[1]}=false)`,
        )
      continue
    }
    let value = m[2]
    // mri's rule: the next argument is the value unless it starts with '-'.
    if (value === undefined && i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) value = argv[++i]
    if (value !== undefined) values.set(o.name, [...(values.get(o.name) ?? []), value])
  }
  return values
}
