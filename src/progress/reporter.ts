// How a build shows its progress. The API's build() and the CLI pick one of
// the same reporters: live per-service lines on a terminal, plain lines in
// logs, JSON lines for machines, nothing, or the caller's own function.
import type { EngineEvent, EventSink } from '../engines/events.js'
import { liveReporter, type TerminalStream } from './live-reporter.js'
import { plainReporter } from './plain-reporter.js'

export { plainReporter }

/**
 * 'auto' (default): live lines when stderr is a terminal, plain lines otherwise (and under CI or TERM=dumb).
 * 'plain': a line when a step starts and when it ends, and one every 15 s while it runs. No colour either way.
 * 'json': one JSON object per line.
 * 'silent': nothing. A function: gets every engine event, prints nothing itself.
 * All of them write to stderr, so stdout stays the program's own.
 */
export type ReporterChoice = 'auto' | 'plain' | 'json' | 'silent' | EventSink

export interface ReporterOptions {
  /** Progress display (default 'auto'; 'silent' when only `onEvent` is given, which keeps printing to you). */
  reporter?: ReporterChoice
  /** Every engine event, whatever the reporter. */
  onEvent?: EventSink
}

export type ServiceDone = { ok: true; detail: string } | { ok: false; error: string }

export interface Reporter {
  readonly onEvent: EventSink
  /** Marks a service finished; its line shows the outcome. */
  done(service: string, outcome: ServiceDone): void
  /** Resolves when the display has drawn its last frame. */
  close(): Promise<void>
}

/** Where reporters write: stderr, or a stand-in in tests. */
export interface ReportStream {
  write(s: string): unknown
  readonly isTTY?: boolean
}

export type ReporterKind = 'live' | 'plain' | 'json' | 'silent' | 'function'

/** What a choice means for a stream; an `onEvent` on its own turns the default display off. */
export function reporterKind(opts: ReporterOptions, stream: ReportStream, env = process.env): ReporterKind {
  const choice = opts.reporter ?? (opts.onEvent ? 'silent' : 'auto')
  if (typeof choice === 'function') return 'function'
  if (choice === 'auto') return stream.isTTY === true && !plainTerminal(env) ? 'live' : 'plain'
  return choice
}

/** A CI log (CI set, as every CI service sets it) or a terminal that cannot move its cursor (TERM=dumb). */
function plainTerminal(env: NodeJS.ProcessEnv): boolean {
  const ci = env['CI']
  return (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') || env['TERM'] === 'dumb'
}

type Make = (opts: ReporterOptions, services: readonly string[], stream: TerminalStream) => Reporter

const makers: Record<ReporterKind, Make> = {
  // More services than the terminal has rows can't be redrawn in place: plain lines then.
  live: (_o, services, stream) =>
    services.length < rowsOf(stream) ? liveReporter(services, stream) : plainReporter(stream),
  plain: (_o, _s, stream) => plainReporter(stream),
  json: (_o, _s, stream) => jsonReporter(stream),
  silent: () => sinkReporter(() => {}),
  function: (o) => sinkReporter(o.reporter as EventSink),
}

/** The reporter opts ask for; its onEvent also feeds opts.onEvent. */
export function createReporter(
  opts: ReporterOptions,
  services: readonly string[],
  stream: TerminalStream = process.stderr,
): Reporter {
  const r = makers[reporterKind(opts, stream)](opts, services, stream)
  const extra = opts.onEvent
  if (extra === undefined) return r
  return { ...r, done: r.done.bind(r), close: r.close.bind(r), onEvent: (e: EngineEvent) => (r.onEvent(e), extra(e)) }
}

export function jsonReporter(stream: ReportStream): Reporter {
  const line = (v: object) => void stream.write(JSON.stringify(v) + '\n')
  return {
    onEvent: line,
    done: (service, o) => line({ kind: 'service-done', service, ...o }),
    close: async () => {},
  }
}

const rowsOf = (s: TerminalStream) => s.rows ?? 24

function sinkReporter(sink: EventSink): Reporter {
  return { onEvent: sink, done: () => {}, close: async () => {} }
}
