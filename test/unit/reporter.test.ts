// The progress reporters the API's build() and the CLI share: which one a
// choice means, and what each writes.
import { describe, expect, it } from 'vitest'
import { createReporter, reporterKind, type ReportStream } from '../../src/progress/reporter.js'
import { liveReporter } from '../../src/progress/live-reporter.js'
import { plainReporter } from '../../src/progress/plain-reporter.js'
import type { EngineEvent } from '../../src/engines/events.js'

const stream = (isTTY = false, rows = 40) => {
  const s = { isTTY, text: '', columns: 100, rows, write: (t: string) => void (s.text += t) }
  return s
}
const events: EngineEvent[] = [
  { kind: 'info', service: 'hello', message: 'engine auto: using local (no Dagger session or engine is configured)' },
  { kind: 'step-start', service: 'hello', step: 'go-build', platform: 'linux/amd64' },
  { kind: 'step-done', service: 'hello', step: 'go-build', platform: 'linux/amd64', ms: 812, detail: '6008994 bytes' },
  { kind: 'warning', service: 'hello', platform: 'linux/amd64', message: 'upx refused: signed binary' },
]

describe('reporterKind', () => {
  it.each([
    [{}, true, 'live'],
    [{}, false, 'plain'],
    [{ reporter: 'auto' as const }, false, 'plain'],
    [{ reporter: 'json' as const }, true, 'json'],
    [{ reporter: 'silent' as const }, true, 'silent'],
    [{ reporter: () => {} }, true, 'function'],
    // An onEvent of its own (today's printers) turns the default display off, so nothing prints twice.
    [{ onEvent: () => {} }, true, 'silent'],
    [{ onEvent: () => {}, reporter: 'plain' as const }, true, 'plain'],
  ])('%o on a %s terminal is %s', (opts, tty, kind) => {
    expect(reporterKind(opts, { isTTY: tty, write: () => {} }, {})).toBe(kind)
  })

  it.each([
    [{ CI: 'true' }, 'plain'],
    [{ CI: '1' }, 'plain'],
    [{ TERM: 'dumb' }, 'plain'],
    [{ CI: 'false', TERM: 'xterm-256color' }, 'live'],
    [{ NO_COLOR: '1' }, 'live'],
  ])('auto on a terminal with %o is %s', (env, kind) => {
    expect(reporterKind({}, { isTTY: true, write: () => {} }, env)).toBe(kind)
  })
})

describe('plain reporter in a log', () => {
  it('prints a step when it starts and ends, and a heartbeat while a long one runs', () => {
    const s = stream()
    let now = 0
    const timers: (() => void)[] = []
    const cleared: unknown[] = []
    const clock = { setInterval: (fn: () => void) => (timers.push(fn), { id: timers.length, unref: () => undefined }), clearInterval: (t: unknown) => void cleared.push(t), now: () => now }
    const r = plainReporter(s, clock)
    r.onEvent({ kind: 'step-start', service: 'api', step: 'upx', platform: 'linux/arm64' })
    now = 15_000
    timers[0]!()
    now = 30_400
    timers[0]!()
    r.onEvent({ kind: 'step-done', service: 'api', step: 'upx', platform: 'linux/arm64', ms: 31_000, detail: '9 → 3 MB' })
    expect(cleared).toMatchObject([{ id: 1 }])
    expect(s.text).toBe(
      '  api linux/arm64: upx ...\n' +
        '  api linux/arm64: still running upx: 15 s\n' +
        '  api linux/arm64: still running upx: 30 s\n' +
        '  api linux/arm64: upx (31000 ms) 9 → 3 MB\n',
    )
    expect(s.text).not.toContain('\x1b')
  })
})

describe('reporters', () => {
  const feed = (s: ReportStream, opts: Parameters<typeof createReporter>[0]) => {
    const r = createReporter(opts, ['hello'], s)
    for (const e of events) r.onEvent(e)
    r.done('hello', { ok: true, detail: 'linux/amd64 2.55 MiB static' })
    return r.close()
  }

  it('plain: one line per event that says something, and the outcome', async () => {
    const s = stream()
    await feed(s, { reporter: 'plain' })
    expect(s.text).toMatchInlineSnapshot(`
      "  hello: engine auto: using local (no Dagger session or engine is configured)
        hello linux/amd64: go-build ...
        hello linux/amd64: go-build (812 ms) 6008994 bytes
        hello linux/amd64: warning: upx refused: signed binary
        hello: done, linux/amd64 2.55 MiB static
      "
    `)
  })

  it('json: every event as one JSON object per line, then the outcome', async () => {
    const s = stream()
    await feed(s, { reporter: 'json' })
    const lines = s.text.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)
    expect(lines).toEqual([...events, { kind: 'service-done', service: 'hello', ok: true, detail: 'linux/amd64 2.55 MiB static' }])
  })

  it('a function gets every event and nothing is written; onEvent gets them too', async () => {
    const s = stream(true)
    const got: EngineEvent[] = []
    const also: EngineEvent[] = []
    await feed(s, { reporter: (e) => got.push(e), onEvent: (e) => also.push(e) })
    expect(got).toEqual(events)
    expect(also).toEqual(events)
    expect(s.text).toBe('')
  })

  it('silent writes nothing', async () => {
    const s = stream(true)
    await feed(s, { reporter: 'silent' })
    expect(s.text).toBe('')
  })

  it('live: one line per service redrawn in place; warnings and workspace lines stay once it closes', async () => {
    const s = stream(true)
    const r = liveReporter(['api', 'worker'], s)
    r.onEvent({ kind: 'step-start', service: 'api', step: 'go-build', platform: 'linux/amd64' })
    r.onEvent({ kind: 'info', service: 'workspace', message: 'go mod download: 1 module' })
    r.onEvent({ kind: 'warning', service: 'worker', message: 'no zoneinfo' })
    r.done('api', { ok: true, detail: 'linux/amd64 2.55 MiB static' })
    r.done('worker', { ok: false, error: 'VERIFY_FAILED: dynamic' })
    await r.close()
    // The last frame: cursor up over both lines, each cleared and redrawn.
    const frames = s.text.split('\x1b[2A')
    expect(frames.at(-1)).toBe(
      '\x1b[2K✔ api: linux/amd64 2.55 MiB static\n\x1b[2K✖ worker: VERIFY_FAILED: dynamic\n' +
        '  workspace: go mod download: 1 module\n  worker: warning: no zoneinfo\n',
    )
    expect(s.text).toContain('api: linux/amd64: go-build…')
  })

  it('auto on a terminal too small for every service falls back to plain lines', async () => {
    const s = stream(true, 3)
    const r = createReporter({}, ['a', 'b', 'c'], s)
    r.done('a', { ok: true, detail: 'ok' })
    await r.close()
    expect(s.text).toBe('  a: done, ok\n')
  })
})
