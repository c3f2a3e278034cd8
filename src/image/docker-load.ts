// Loads an image into a Docker daemon for BuildResult.load(): the one place
// gostatic talks to a daemon, and only when asked to. The archive is streamed
// as it is written, never put in a file: over the daemon's API
// (POST /images/load) when DOCKER_HOST is a unix socket, else into
// `docker load`'s stdin, so the docker CLI resolves contexts, TLS and ssh://.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { request, type IncomingMessage } from 'node:http'
import type { Writable } from 'node:stream'
import { ErrorCode, GostaticError, ToolError } from '../errors.js'
import type { TarSink } from '../oci/tar-writer.js'
import { hint } from '../hints.js'

/** Writes the docker-archive to the sink it is given. */
export type ArchiveFill = (sink: TarSink) => Promise<unknown>

/** What the docker client says when no daemon answers at DOCKER_HOST. */
const NO_DAEMON = new RegExp(
  'Cannot connect to the Docker daemon|error during connect|Is the docker daemon running|connect: no such file|' +
    'permission denied while trying to connect',
  'i',
)

/** Streams the archive into the daemon; resolves to the loaded tag, or the image ID when it has none. */
export async function dockerLoad(fill: ArchiveFill, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const host = env['DOCKER_HOST']
  return host?.startsWith('unix://') ? loadOverSocket(host.slice('unix://'.length), fill, env) : loadWithCli(fill, env)
}

const where = (env: NodeJS.ProcessEnv) => `DOCKER_HOST=${env['DOCKER_HOST'] ?? 'default'}`

function noDaemon(env: NodeJS.ProcessEnv, why: string): GostaticError {
  return new GostaticError(
    ErrorCode.ENGINE_UNAVAILABLE,
    `${hint('load')} found no Docker daemon to load into (${where(env)}): ${why}`,
    { hint: `start Docker or point DOCKER_HOST at a running daemon; or ${hint('export-archive')}` },
  )
}

/** A sink into a writable that waits for 'drain' and fails with the stream's first error. */
function streamSink(out: Writable, failed: () => Error | null): TarSink {
  return async (chunk) => {
    const err = failed()
    if (err) throw err
    if (!out.write(chunk)) await once(out, 'drain')
  }
}

async function loadOverSocket(socketPath: string, fill: ArchiveFill, env: NodeJS.ProcessEnv): Promise<string> {
  let error: Error | null = null
  const req = request({
    socketPath,
    method: 'POST',
    path: '/images/load?quiet=1',
    headers: { 'Content-Type': 'application/x-tar' },
  })
  req.on('error', (e) => (error ??= e))
  // Settles with the daemon's answer, or with the request's error; a refusal can come before the body is done.
  const answer = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve)
    req.once('error', reject)
  })
  answer.catch(() => undefined)
  try {
    await fill(streamSink(req, () => error))
    req.end()
  } catch (e) {
    req.destroy()
    if (!error) throw e
  }
  const res = await answer.catch((e: NodeJS.ErrnoException) => {
    if (['ENOENT', 'ECONNREFUSED', 'EACCES', 'ENOTSOCK'].includes(e.code ?? ''))
      throw noDaemon(env, `${e.code} on ${socketPath}`)
    throw new GostaticError(
      ErrorCode.ENGINE_FAILED,
      `${hint('load')}: the Docker daemon at ${socketPath} failed: ${e.message}`,
    )
  })
  const body = await readText(res)
  const failure = daemonError(res.statusCode ?? 0, body)
  if (failure) throw new GostaticError(ErrorCode.ENGINE_FAILED, `the Docker daemon refused the image: ${failure}`)
  return loadedName(
    body,
    () => new GostaticError(ErrorCode.ENGINE_FAILED, `the Docker daemon loaded no image: ${body}`),
  )
}

async function readText(res: IncomingMessage): Promise<string> {
  const parts: Buffer[] = []
  for await (const c of res) parts.push(c as Buffer)
  return Buffer.concat(parts).toString('utf8')
}

/** The daemon's error: a non-2xx answer's message, or an error line in its JSON progress stream. */
function daemonError(status: number, body: string): string | undefined {
  const lines = body.split('\n').filter((l) => l.trim().startsWith('{'))
  const docs = lines.map((l) => {
    try {
      return JSON.parse(l) as { message?: string; error?: string }
    } catch {
      return {}
    }
  })
  const said = docs.map((d) => d.error ?? (status >= 300 ? d.message : undefined)).find((m) => m !== undefined)
  if (said !== undefined) return said
  return status >= 300 ? `HTTP ${status}: ${body.trim().slice(0, 500)}` : undefined
}

/** "Loaded image: name:tag" (or "Loaded image ID: sha256:…"), from the CLI's text or the API's JSON lines. */
function loadedName(text: string, none: () => Error): string {
  const plain = text
    .split('\n')
    .map((l) => {
      try {
        return (JSON.parse(l) as { stream?: string }).stream ?? ''
      } catch {
        return l
      }
    })
    .join('\n')
  const loaded = /^Loaded image(?: ID)?: (\S+)$/m.exec(plain)?.[1]
  if (loaded === undefined) throw none()
  return loaded
}

async function loadWithCli(fill: ArchiveFill, env: NodeJS.ProcessEnv): Promise<string> {
  const cmd = ['docker', 'load']
  const child = spawn(cmd[0]!, cmd.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')))
  let error: Error | null = null
  child.stdin.on('error', (e) => (error ??= e))
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  exited.catch(() => undefined)
  try {
    await fill(streamSink(child.stdin, () => error))
    child.stdin.end()
  } catch (e) {
    child.stdin.destroy()
    // A docker that quit early (no daemon) broke the pipe: its own words say why, below.
    if (!error) {
      child.kill()
      throw e
    }
  }
  const exitCode = await exited.catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT')
      throw new GostaticError(
        ErrorCode.ENGINE_UNAVAILABLE,
        `${hint('load')} needs the docker CLI and a running Docker daemon; docker is not on PATH`,
        { hint: `install Docker, or ${hint('export-archive')}` },
      )
    throw e
  })
  const run = { cmd, exitCode, stdout, stderr }
  if (exitCode !== 0) {
    if (NO_DAEMON.test(stderr)) throw noDaemon(env, stderr.trim().split('\n').pop() ?? '')
    throw new ToolError(ErrorCode.TOOL_FAILED, `docker load failed: ${stderr.trim()}`, run)
  }
  return loadedName(stdout, () => new ToolError(ErrorCode.TOOL_FAILED, 'docker load printed no image', run))
}
