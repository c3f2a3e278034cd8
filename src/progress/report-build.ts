// The API's builds under a reporter: a service's line ends with what was
// built, or with the error's code, and the display is closed either way.
import type { BuildResult } from '../image/build-result.js'
import type { EventSink } from '../engines/events.js'
import { isGostaticError } from '../errors.js'
import { humanBytes } from '../util/human-bytes.js'
import { createReporter, type Reporter, type ReporterOptions, type ServiceDone } from './reporter.js'

/** 'linux/amd64 1.93 MiB static, linux/arm64 1.88 MiB static': what a finished service's line says. */
export function builtDetail(r: BuildResult): string {
  return r.report.targets
    .map((t) => `${t.platform} ${humanBytes(t.imageBytes)} ${t.elf.isStatic ? 'static' : 'dynamic'}`)
    .join(', ')
}

export function failedDetail(e: unknown): ServiceDone {
  const error = isGostaticError(e) ? `${e.code}: ${e.message.split('\n')[0]}` : String((e as Error)?.message ?? e)
  return { ok: false, error }
}

export async function reportBuild(
  opts: ReporterOptions,
  service: string,
  run: (onEvent: EventSink) => Promise<BuildResult>,
): Promise<BuildResult> {
  return withReporter(opts, [service], async (r) => {
    try {
      const result = await run(r.onEvent)
      r.done(service, { ok: true, detail: builtDetail(result) })
      return result
    } catch (e) {
      r.done(service, failedDetail(e))
      throw e
    }
  })
}

/** Opens the reporter opts ask for, runs fn with it, and closes it even when fn throws. */
export async function withReporter<T>(
  opts: ReporterOptions,
  services: readonly string[],
  fn: (r: Reporter) => Promise<T>,
): Promise<T> {
  const r = createReporter(opts, services)
  try {
    return await fn(r)
  } finally {
    await r.close()
  }
}
