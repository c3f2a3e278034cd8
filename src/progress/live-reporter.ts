// Live per-service lines on a terminal: one line per service shows its
// current step and ends with its outcome, redrawn in place. The builds run
// elsewhere; this only shows what their events say. Warnings, and events of
// no listed service (the workspace's), would vanish with the live lines, so
// they are printed as plain lines once the display closes.
import type { EngineEvent } from '../engines/events.js'
import { eventText, formatEvent, platformOf, stepName } from './format-event.js'
import type { Reporter, ReportStream, ServiceDone } from './reporter.js'

export interface TerminalStream extends ReportStream {
  readonly columns?: number
  readonly rows?: number
}

type Line = { state: 'waiting' | 'running' | 'ok' | 'failed'; text: string }

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const MARK: Record<Exclude<Line['state'], 'running'>, string> = { waiting: '·', ok: '✔', failed: '✖' }
const CLEAR_LINE = '\x1b[2K'
const up = (n: number) => `\x1b[${n}A`

export function liveReporter(services: readonly string[], stream: TerminalStream): Reporter {
  const lines = new Map<string, Line>(services.map((s) => [s, { state: 'waiting', text: 'waiting' }]))
  const later: string[] = []
  let drawn = 0
  let frame = 0
  const draw = () => {
    const width = Math.max(20, (stream.columns ?? 80) - 1)
    let out = drawn > 0 ? up(drawn) : ''
    for (const [name, l] of lines) {
      const mark = l.state === 'running' ? (SPINNER[frame % SPINNER.length] ?? '-') : MARK[l.state]
      out += `${CLEAR_LINE}${`${mark} ${name}: ${l.text}`.slice(0, width)}\n`
    }
    drawn = lines.size
    stream.write(out)
  }
  const timer = setInterval(() => (frame++, draw()), 120)
  timer.unref()
  draw()
  return {
    onEvent: (e: EngineEvent) => {
      const l = lines.get(e.service)
      if (l === undefined || e.kind === 'warning') later.push(formatEvent(e))
      if (l === undefined || l.state === 'ok' || l.state === 'failed') return
      const p = platformOf(e)
      // A starting step says nothing in the plain format; here it shows which step runs.
      const text = e.kind === 'step-start' ? `${stepName(e)}…` : eventText(e)
      l.state = 'running'
      l.text = `${p ? `${p}: ` : ''}${text}`
      draw()
    },
    done: (service: string, o: ServiceDone) => {
      lines.set(service, o.ok ? { state: 'ok', text: o.detail } : { state: 'failed', text: o.error })
      draw()
    },
    close: async () => {
      clearInterval(timer)
      draw()
      for (const l of later) if (l) stream.write(l)
    },
  }
}
