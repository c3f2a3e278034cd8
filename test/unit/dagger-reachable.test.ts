// daggerReachable and engine 'auto' look at a unix socket before the SDK
// does: the SDK retries a missing socket for minutes, a stat answers at once.
import { createServer, type Server } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { daggerReachable, decideEngine } from '../../src/engines/build.js'

const RUNNER = '_EXPERIMENTAL_DAGGER_RUNNER_HOST'

describe('daggerReachable', () => {
  let dir: string
  let server: Server
  let sock: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gostatic-reach-'))
    sock = join(dir, 'engine.sock')
    server = createServer()
    await new Promise<void>((res) => server.listen(sock, res))
    writeFileSync(join(dir, 'plain-file'), '')
  })
  afterAll(async () => {
    await new Promise((res) => server.close(res))
    rmSync(dir, { recursive: true, force: true })
  })

  it('says a unix socket that does not exist is not reachable, naming it', () => {
    expect(daggerReachable({ [RUNNER]: 'unix:///no/such.sock' })).toEqual({
      ok: false,
      why: '_EXPERIMENTAL_DAGGER_RUNNER_HOST=unix:///no/such.sock: the Dagger engine socket /no/such.sock does not exist',
    })
  })

  it('says a path that is a file, or below a file, is no socket', () => {
    const file = join(dir, 'plain-file')
    expect(daggerReachable({ [RUNNER]: `unix://${file}` }).why).toBe(`${RUNNER}=unix://${file}: the Dagger engine socket ${file} is not a socket`)
    expect(daggerReachable({ [RUNNER]: `unix://${file}/x.sock` })).toMatchObject({ ok: false, why: expect.stringContaining(`${file}/x.sock does not exist`) })
  })

  it('takes a socket that exists, and leaves other schemes to the SDK', () => {
    expect(daggerReachable({ [RUNNER]: `unix://${sock}` })).toEqual({ ok: true, why: `a Dagger engine is configured (unix://${sock})` })
    expect(daggerReachable({ [RUNNER]: 'docker-container://dagger-engine' }).ok).toBe(true)
    expect(daggerReachable({ DAGGER_SESSION_PORT: '1234', DAGGER_SESSION_TOKEN: 't' }).ok).toBe(true)
    expect(daggerReachable({})).toEqual({ ok: false, why: 'no Dagger session or engine is configured' })
  })

  it("engine 'auto' picks local when the socket is missing, and says why", () => {
    expect(decideEngine('auto', { [RUNNER]: 'unix:///no/such.sock' })).toEqual({
      engine: 'local',
      message: `engine auto: using local (${RUNNER}=unix:///no/such.sock: the Dagger engine socket /no/such.sock does not exist)`,
    })
    expect(decideEngine('auto', { [RUNNER]: `unix://${sock}` }).engine).toBe('dagger')
    // An explicit choice is not second-guessed here; the engine refuses it (test/dagger/dagger-unreachable.test.ts).
    expect(decideEngine('dagger', { [RUNNER]: 'unix:///no/such.sock' }).engine).toBe('dagger')
  })
})
