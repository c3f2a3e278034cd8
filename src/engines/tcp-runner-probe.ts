// A tcp:// engine where nothing answers: the SDK's session would retry for
// minutes before it gives up; one connect says so at once. Loaded without
// the SDK, like the unix:// socket check in build.ts.
import { connect } from 'node:net'

const PROBE_MS = 5000

/** Why the tcp:// engine in `env` cannot be reached, or null (no tcp:// engine, an open session, or it answers). */
export async function tcpRunnerProblem(env: NodeJS.ProcessEnv): Promise<string | null> {
  const host = env['_EXPERIMENTAL_DAGGER_RUNNER_HOST']
  if (!host?.startsWith('tcp://') || (env['DAGGER_SESSION_PORT'] && env['DAGGER_SESSION_TOKEN'])) return null
  const what = `_EXPERIMENTAL_DAGGER_RUNNER_HOST=${host}`
  let url: URL
  try {
    url = new URL(host)
  } catch {
    return `${what} is not a tcp://HOST:PORT address`
  }
  const port = Number(url.port)
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1')
  if (!hostname || !port) return `${what} is not a tcp://HOST:PORT address`
  return new Promise((resolve) => {
    const s = connect({ host: hostname, port, timeout: PROBE_MS })
    const done = (why: string | null) => {
      s.destroy()
      resolve(why)
    }
    s.once('connect', () => done(null))
    s.once('timeout', () => done(`${what}: nothing answered within ${PROBE_MS / 1000} s`))
    s.once('error', (e: NodeJS.ErrnoException) => done(`${what}: ${e.code ?? e.message}`))
  })
}
