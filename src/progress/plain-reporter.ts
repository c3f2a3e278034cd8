// Plain progress lines for logs (CI, a pipe, TERM=dumb): no cursor moves, no
// colour. A step prints when it starts and when it ends, and one still
// running says so every HEARTBEAT_MS, so a long UPX pass never looks like a hang.
import type { EngineEvent } from '../engines/events.js'
import { formatEvent, platformOf, stepName } from './format-event.js'
import type { Reporter, ReportStream } from './reporter.js'

type StepEvent = Extract<EngineEvent, { kind: 'step-start' | 'step-done' }>

export const HEARTBEAT_MS = 15_000

/** The timer functions it uses; tests pass fake ones. */
export interface Clock {
  setInterval(fn: () => void, ms: number): { unref?(): unknown }
  clearInterval(t: unknown): void
  now(): number
}

const systemClock: Clock = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (t) => clearInterval(t as NodeJS.Timeout),
  now: () => Date.now(),
}

export function plainReporter(stream: ReportStream, clock: Clock = systemClock): Reporter {
  // One heartbeat per running step, keyed by service, platform and step.
  const running = new Map<string, unknown>()
  const keyOf = (e: StepEvent) => `${e.service}\0${platformOf(e) ?? ''}\0${stepName(e)}`
  const who = (e: EngineEvent) => `  ${e.service}${platformOf(e) ? ` ${platformOf(e)}` : ''}`
  const stop = (key: string) => {
    if (!running.has(key)) return
    clock.clearInterval(running.get(key))
    running.delete(key)
  }
  return {
    onEvent: (e) => {
      if (e.kind === 'step-start') {
        stream.write(`${who(e)}: ${stepName(e)} ...\n`)
        const started = clock.now()
        const t = clock.setInterval(() => {
          const s = Math.round((clock.now() - started) / 1000)
          stream.write(`${who(e)}: still running ${stepName(e)}: ${s} s\n`)
        }, HEARTBEAT_MS)
        // A heartbeat never keeps the process alive on its own.
        t.unref?.()
        running.set(keyOf(e), t)
        return
      }
      if (e.kind === 'step-done') stop(keyOf(e))
      const line = formatEvent(e)
      if (line) stream.write(line)
    },
    done: (service, o) => {
      for (const key of [...running.keys()]) if (key.startsWith(`${service}\0`)) stop(key)
      stream.write(o.ok ? `  ${service}: done, ${o.detail}\n` : `  ${service}: FAILED: ${o.error}\n`)
    },
    close: async () => {
      for (const key of [...running.keys()]) stop(key)
    },
  }
}
