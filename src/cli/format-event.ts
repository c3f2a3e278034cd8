// One plain progress line per engine event (no TTY tricks: CI logs read well).
import type { EngineEvent } from '../engines/events.js'

export function formatEvent(e: EngineEvent): string {
  switch (e.kind) {
    case 'step-start':
      return ''
    case 'step-done':
      return `  ${e.service}${e.platform ? ` ${e.platform}` : ''}: ${e.step} (${e.ms} ms)${e.detail ? ` ${e.detail}` : ''}\n`
    case 'warning':
      return `  ${e.service}${e.platform ? ` ${e.platform}` : ''}: warning: ${e.message}\n`
    case 'info':
      return `  ${e.service}: ${e.message}\n`
  }
}
