// `gostatic build --engine dagger` when the engine cannot be reached, run as
// a user runs it (a child process): the SDK's own error (EngineSessionError,
// or NotAwaitedRequestError around ECONNREFUSED) becomes ENGINE_UNAVAILABLE
// with the reason, never a crash with a stack trace. The first case uses the
// real Dagger CLI, whose engine "runs in docker" where no docker daemon is.
import { describe, expect, it } from 'vitest'
import { resolve } from 'node:path'
import { missingDagger } from '../support/dagger.js'
import { freePort } from '../support/runtime.js'
import { runCli } from '../support/cli.js'
import { goService } from '../../src/index.js'

// The SDK's own retries run for minutes: a hang is killed, and fails, long before.
const gostatic = (args: string[], env: NodeJS.ProcessEnv) => runCli(args, { env, timeoutMs: 120_000 })

/** The environment without any Dagger session or engine settings, plus `extra`. */
function envWith(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const k of ['DAGGER_SESSION_PORT', 'DAGGER_SESSION_TOKEN', '_EXPERIMENTAL_DAGGER_RUNNER_HOST']) delete env[k]
  return { ...env, ...extra }
}

describe.skipIf(missingDagger())('dagger engine out of reach', () => {
  it('says ENGINE_UNAVAILABLE with the session error when the engine cannot start', async () => {
    const r = await gostatic(['build', 'examples/hello', '--engine', 'dagger'], envWith({
      _EXPERIMENTAL_DAGGER_RUNNER_HOST: 'docker-container://gostatic-no-such-engine',
      DOCKER_HOST: 'unix:///nonexistent/gostatic-no-docker.sock',
    }))
    expect(r.code).toBe(1)
    const reason = 'dagger session: connect to docker-container://gostatic-no-such-engine: '
    expect(r.stderr).toContain(`error [ENGINE_UNAVAILABLE]: cannot reach the Dagger engine: ${reason}`)
    expect(r.stderr).not.toMatch(/traceparent|EngineSessionError|internal error|^\s+at /m)
  })

  it('says ENGINE_UNAVAILABLE when the session port refuses the connection', async () => {
    const port = await freePort()
    const env = envWith({ DAGGER_SESSION_PORT: String(port), DAGGER_SESSION_TOKEN: 'gostatic-test' })
    const r = await gostatic(['build', 'examples/hello', '--engine', 'dagger'], env)
    expect(r.code).toBe(1)
    const reason = `request to http://127.0.0.1:${port}/query failed, reason: connect ECONNREFUSED`
    expect(r.stderr).toContain(`error [ENGINE_UNAVAILABLE]: cannot reach the Dagger engine: ${reason}`)
    expect(r.stderr).not.toMatch(/NotAwaitedRequestError|internal error|^\s+at /m)
  })
})

// No engine is needed for these: the socket is checked before the SDK starts.
describe('dagger engine on a unix socket that does not exist', () => {
  const sock = '/nonexistent/gostatic-no-dagger.sock'
  const runner = { _EXPERIMENTAL_DAGGER_RUNNER_HOST: `unix://${sock}` }

  it('the CLI fails at once with ENGINE_UNAVAILABLE naming the socket, not after the SDK retries for minutes', async () => {
    const r = await gostatic(['build', 'examples/hello', '--engine', 'dagger'], envWith(runner))
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`error [ENGINE_UNAVAILABLE]: engine 'dagger': _EXPERIMENTAL_DAGGER_RUNNER_HOST=unix://${sock}: the Dagger engine socket ${sock} does not exist`)
    expect(r.stderr).not.toMatch(/EngineSessionConnectionTimeoutError|internal error|^\s+at /m)
  })

  it("build({ engine: 'dagger' }) rejects the same way; 'auto' builds on local and says why", async () => {
    const svc = goService({ name: 'hello', source: resolve('examples/hello') })
    const env = envWith(runner)
    await expect(svc.build({ engine: 'dagger', env })).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE', message: expect.stringContaining(`${sock} does not exist`) })
    const said: string[] = []
    const r = await svc.build({ engine: 'auto', env, cacheDir: null, onEvent: (e) => void (e.kind === 'info' && said.push(e.message)) })
    expect(r.engine).toBe('local')
    expect(said).toContain(`engine auto: using local (_EXPERIMENTAL_DAGGER_RUNNER_HOST=unix://${sock}: the Dagger engine socket ${sock} does not exist)`)
  })
})

// Nor for this one: the address gets one connect before the SDK starts.
describe('dagger engine on a tcp:// address where nothing listens', () => {
  it('fails at once with ENGINE_UNAVAILABLE naming the address, not after the SDK retries for minutes', async () => {
    const host = `tcp://127.0.0.1:${await freePort()}`
    const r = await gostatic(['build', 'examples/hello', '--engine', 'dagger'], envWith({ _EXPERIMENTAL_DAGGER_RUNNER_HOST: host }))
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`error [ENGINE_UNAVAILABLE]: engine 'dagger': _EXPERIMENTAL_DAGGER_RUNNER_HOST=${host}: ECONNREFUSED`)
    expect(r.stderr).not.toMatch(/EngineSessionConnectionTimeoutError|internal error|^\s+at /m)
  })
})
