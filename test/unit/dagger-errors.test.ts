// The Dagger error translation, on instances of the SDK's own error classes:
// what each class means to a gostatic user. The real engine cases (a failed
// go build, an engine out of reach) are in test/dagger/.
import { describe, expect, it } from 'vitest'
import {
  EngineSessionConnectionTimeoutError,
  EngineSessionError,
  ExecError,
  FunctionNotFound,
  NotAwaitedRequestError,
  UnknownDaggerError,
} from '@dagger.io/dagger'
import { sessionError, translateDaggerError } from '../../src/engines/dagger/dagger-errors.js'
import { GostaticError, ToolError } from '../../src/errors.js'

const STDERR = './main.go:3:1: syntax error\n'
const exec = (cmd: string[]) =>
  new ExecError('process did not complete successfully: exit code: 2', { cmd, exitCode: 2, stdout: 'out', stderr: STDERR })
const UNAVAILABLE = 'cannot reach the Dagger engine: '

describe('Dagger SDK errors', () => {
  it("a failed go build is GO_BUILD_FAILED with the exec's command, exit code and output", () => {
    const cmd = ['go', 'build', '-trimpath', '-o', '/out/hello', '.']
    const e = translateDaggerError(exec(cmd), 'hello (linux/amd64)')
    expect(e).toBeInstanceOf(ToolError)
    expect(e).toMatchObject({
      code: 'GO_BUILD_FAILED',
      cmd,
      exitCode: 2,
      stdout: 'out',
      stderr: STDERR,
      message: `go build failed for hello (linux/amd64) in the Dagger builder:\n${STDERR.trim()}`,
    })
  })

  it('any other failed exec is TOOL_FAILED naming the command', () => {
    const e = translateDaggerError(exec(['go', 'mod', 'download']), 'hello')
    expect(e).toMatchObject({ code: 'TOOL_FAILED', message: expect.stringMatching(/^go mod download failed for hello/) })
  })

  it("FunctionNotFound shares ExecError's code but is no exec: ENGINE_FAILED", () => {
    expect(translateDaggerError(new FunctionNotFound('no function build', {}), 'hello')).toMatchObject({ code: 'ENGINE_FAILED' })
  })

  it('a session that cannot open is ENGINE_UNAVAILABLE, also inside the Error connection() wraps it in', () => {
    const cli = new EngineSessionError('dagger session: connect to unix:///x.sock: no such file [traceparent:00-00]', {})
    const wrapped = new Error(`failed to execute function with automatic provisioning: ${cli}`, { cause: cli })
    for (const e of [cli, wrapped]) {
      const message = `${UNAVAILABLE}dagger session: connect to unix:///x.sock: no such file`
      expect(translateDaggerError(e, 'hello')).toMatchObject({ code: 'ENGINE_UNAVAILABLE', message, cause: cli })
    }
    const timeout = new EngineSessionConnectionTimeoutError('Engine connection timeout', { timeOutDuration: 300000 })
    expect(sessionError(timeout)).toMatchObject({ code: 'ENGINE_UNAVAILABLE', message: `${UNAVAILABLE}Engine connection timeout` })
  })

  it("skips the Dagger CLI's own log lines: the reason is the line after them", () => {
    // A clone whose origin is a local path makes the CLI warn before it fails.
    const log = '2026/12/01 11:17:27 WARN failed to parse git remote URL err="invalid endpoint: /src/checkout"'
    const cli = new EngineSessionError(`${log}\ndagger session: connect to docker-container://x: no docker`, {})
    const message = `${UNAVAILABLE}dagger session: connect to docker-container://x: no docker`
    expect(translateDaggerError(cli, 'hello')).toMatchObject({ code: 'ENGINE_UNAVAILABLE', message })
  })

  it('a refused session port is ENGINE_UNAVAILABLE with the refusal, not the SDK\'s "not awaited" text', () => {
    const why = 'request to http://127.0.0.1:9/query failed, reason: connect ECONNREFUSED 127.0.0.1:9'
    const refused = Object.assign(new Error(why), { errno: 'ECONNREFUSED' })
    const e = new NotAwaitedRequestError('Encountered an error while requesting data via graphql through a synchronous call.', {
      cause: refused,
    })
    expect(translateDaggerError(e, 'hello')).toMatchObject({ code: 'ENGINE_UNAVAILABLE', message: `${UNAVAILABLE}${why}` })
  })

  it('an error the SDK could not classify is ENGINE_FAILED with its cause', () => {
    const what = 'Encountered an unknown error while requesting data via graphql'
    const e = new UnknownDaggerError(what, { cause: new Error('socket hang up') })
    const message = `the Dagger engine failed building hello: ${what}: socket hang up`
    expect(translateDaggerError(e, 'hello')).toMatchObject({ code: 'ENGINE_FAILED', message })
  })

  it('a session that never opened is ENGINE_UNAVAILABLE whatever the SDK threw', () => {
    const typeError = "TypeError: Cannot read properties of undefined (reading 'port')"
    const e = new Error(`failed to execute function with automatic provisioning: ${typeError}`)
    expect(sessionError(e)).toMatchObject({ code: 'ENGINE_UNAVAILABLE', cause: e })
  })

  it("leaves gostatic errors and errors that are not the SDK's as they are", () => {
    const ours = new GostaticError('NOT_STATIC', 'hello is dynamically linked')
    const other = new TypeError('x is not a function')
    expect(translateDaggerError(ours, 'hello')).toBe(ours)
    expect(translateDaggerError(other, 'hello')).toBe(other)
  })
})
