// One plain progress line per engine event (no TTY tricks: CI logs read well).
import type { EngineEvent } from '../engines/events.js'
import type { Platform } from '../spec/platform.js'

/** What an event says, without whose it is: 'go-build (812 ms) ...'; '' for a step that only starts. */
export function eventText(e: EngineEvent): string {
  switch (e.kind) {
    case 'step-start':
      return ''
    case 'step-done':
      return `${stepName(e)} (${e.ms} ms)${e.detail ? ` ${e.detail}` : ''}`
    case 'warning':
      return `warning: ${e.message}`
    case 'info':
      return e.message
    case 'cache-damaged':
      return `cache entry ${e.entry} ${e.reason}: discarded, rebuilding it`
  }
}

/** The step, and the .binary() it works on: 'go-build', 'go-build /usr/local/bin/migrate'. */
export function stepName(e: Extract<EngineEvent, { kind: 'step-start' | 'step-done' }>): string {
  return e.binary === undefined ? e.step : `${e.step} ${e.binary}`
}

export function platformOf(e: EngineEvent): Platform | undefined {
  return 'platform' in e ? e.platform : undefined
}

/** '  hello linux/amd64: go-build (812 ms)\n', or '' when the event says nothing. */
export function formatEvent(e: EngineEvent): string {
  const text = eventText(e)
  const p = platformOf(e)
  return text ? `  ${e.service}${p ? ` ${p}` : ''}: ${text}\n` : ''
}
