// Live per-service progress on a TTY (listr2), plain lines otherwise. The
// builds run elsewhere; this only shows what their events say.
import { Listr } from 'listr2'
import type { EngineEvent, EventSink } from '../engines/events.js'
import { formatEvent } from './format-event.js'

export interface Progress {
  readonly onEvent: EventSink
  /** Marks a service finished; its line shows the outcome. */
  done(service: string, outcome: { ok: true; detail: string } | { ok: false; error: string }): void
  /** Resolves when the display has drawn its last frame. */
  close(): Promise<void>
}

export function createProgress(services: readonly string[], opts: { tty: boolean; write: (s: string) => void }): Progress {
  if (!opts.tty) return plainProgress(opts.write)
  const ends = new Map<string, (o: { ok: boolean; text: string }) => void>()
  const outputs = new Map<string, (s: string) => void>()
  const pending = new Map<string, { ok: boolean; text: string }>()
  const list = new Listr(
    services.map((name) => ({
      title: name,
      task: (_ctx: unknown, task: { output: string; title: string }) =>
        new Promise<void>((resolve, reject) => {
          outputs.set(name, (s) => (task.output = s))
          const end = (o: { ok: boolean; text: string }) => {
            task.title = `${name}: ${o.text}`
            if (o.ok) resolve()
            else reject(new Error(`${name}: ${o.text}`))
          }
          const early = pending.get(name)
          if (early) end(early)
          else ends.set(name, end)
        }),
    })),
    { concurrent: true, exitOnError: false, rendererOptions: { collapseErrors: true } },
  )
  const running = list.run().catch(() => undefined)
  return {
    onEvent: (e: EngineEvent) => {
      const line = formatEvent(e).trim()
      if (line) outputs.get(e.service)?.(line)
    },
    done: (service, o) => {
      const v = o.ok ? { ok: true, text: o.detail } : { ok: false, text: o.error }
      const end = ends.get(service)
      if (end) end(v)
      else pending.set(service, v)
    },
    close: async () => {
      await running
    },
  }
}

function plainProgress(write: (s: string) => void): Progress {
  return {
    onEvent: (e) => write(formatEvent(e)),
    done: (service, o) => write(o.ok ? `  ${service}: done, ${o.detail}\n` : `  ${service}: FAILED: ${o.error}\n`),
    close: async () => {},
  }
}
