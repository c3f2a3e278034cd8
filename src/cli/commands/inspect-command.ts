// `gostatic inspect`: prints what inspect() found, for a file or a pushed
// image. It reports and does not judge unless --strict asks it to: then a
// failing verdict (dynamic linkage, an unmet need, a cgo stub, an entrypoint
// that is not there) is listed on stderr and the exit status is 1, so CI can gate on it.
import { inspect, renderInspectText, strictFailures } from '../../index.js'
import type { InspectFlags } from '../parse-cli.js'

export async function inspectCommand(target: string, flags: InspectFlags): Promise<number> {
  const report = await inspect(target, flags.platform === undefined ? {} : { platform: flags.platform })
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : await renderInspectText(report))
  if (!flags.strict) return 0
  const failed = strictFailures(report)
  if (failed.length === 0) return 0
  process.stderr.write(`inspect --strict: ${failed.length} failing verdict${failed.length === 1 ? '' : 's'}\n`)
  process.stderr.write(failed.map((f) => `  - ${f}\n`).join(''))
  return 1
}
