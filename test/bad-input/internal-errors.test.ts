// What the CLI prints when gostatic itself is wrong, not the user: one line
// asking for a report, the stack only under GOSTATIC_DEBUG=1. User errors
// never print a stack, debug or not.
import { afterAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { formatError } from '../../src/cli/main.js'
import { GostaticError } from '../../src/errors.js'
import { internalFailure } from '../../src/util/internal-failure.js'
import { corpusRoot } from './harness.js'

const root = corpusRoot('internal')
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('internal errors', () => {
  it('print one line that asks for a report, without the stack', () => {
    const out = formatError(new TypeError("Cannot read properties of undefined (reading 'length')"), {})
    expect(out.trimEnd().split('\n')).toHaveLength(1)
    expect(out).toMatch(/^gostatic: internal error, please report it with the command you ran: TypeError: Cannot read properties/)
    expect(out).toContain('GOSTATIC_DEBUG=1 shows the stack')
    expect(out).not.toMatch(/^\s+at /m)
  })
  it('show the stack under GOSTATIC_DEBUG=1', () => {
    const out = formatError(new TypeError('boom'), { GOSTATIC_DEBUG: '1' })
    expect(out).toMatch(/^\s+at .+:\d+:\d+\)?$/m)
  })
  it('never show a stack for a user error, even under GOSTATIC_DEBUG=1', () => {
    const out = formatError(new GostaticError('INVALID_SPEC', 'bad user', { hint: 'use 65532:65532', cause: new Error('inner') }), { GOSTATIC_DEBUG: '1' })
    expect(out).toBe('error [INVALID_SPEC]: bad user\nhint: use 65532:65532\n')
  })
  it("print a service's internal outcome with a report request, and its cause's stack under GOSTATIC_DEBUG=1", () => {
    const bug = new TypeError('boom')
    const outcome = internalFailure(bug, 'building api')
    const plain = formatError(outcome, {})
    expect(plain).toBe('error [INTERNAL]: building api: internal error, please report it with the command you ran: TypeError: boom\nhint: GOSTATIC_DEBUG=1 shows the stack\n')
    const debug = formatError(outcome, { GOSTATIC_DEBUG: '1' })
    expect(debug.startsWith(plain)).toBe(true)
    expect(debug).toContain(bug.stack!)
  })

  // The guard main() installs: an 'error' event nobody listens to (the crash
  // the archive writer used to have) becomes the one-line report and exit 1.
  it.each([
    ['an unhandled stream error event', "new (await import('node:events')).EventEmitter().emit('error', new Error('ENOSPC: no space left on device, write'))"],
    ['an unhandled rejection', "Promise.reject(new Error('ENOSPC: no space left on device, write'))"],
  ])('turns %s into the one-line report and exit 1', (_what, crash) => {
    const script = join(root, `crash-${Math.random().toString(36).slice(2)}.mts`)
    writeFileSync(
      script,
      `import { guardProcess } from ${JSON.stringify(resolve('src/cli/internal-error.ts'))}\n` +
        `import { formatError } from ${JSON.stringify(resolve('src/cli/main.ts'))}\n` +
        `guardProcess((e) => process.stderr.write(formatError(e)))\nsetTimeout(async () => { ${crash} }, 10)\nsetTimeout(() => {}, 2000)\n`,
    )
    const r = spawnSync('node', ['--import', 'tsx', script], { encoding: 'utf8', env: { ...process.env, GOSTATIC_DEBUG: undefined } })
    expect(r.status, r.stderr).toBe(1)
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain('gostatic: internal error, please report it with the command you ran: Error: ENOSPC')
    expect(r.stderr).not.toMatch(/^\s+at /m)
    expect(r.stderr).not.toContain('node:internal')
  })
})
