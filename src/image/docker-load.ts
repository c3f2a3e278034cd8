// `docker load` of an archive we wrote, for BuildResult.load(): the one
// place gostatic talks to a Docker daemon, and only when asked to.
import { ErrorCode, GostaticError, ToolError } from '../errors.js'
import { runTool } from '../util/run-tool.js'
import { hint } from '../hints.js'

/** Loads the archive; resolves to the loaded tag, or the image ID when it has none. */
/** What the docker client says when no daemon answers at DOCKER_HOST. */
const NO_DAEMON = new RegExp(
  'Cannot connect to the Docker daemon|error during connect|Is the docker daemon running|connect: no such file|' +
    'permission denied while trying to connect',
  'i',
)

export async function dockerLoad(archivePath: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const r = await runTool('docker', ['load', '-i', archivePath], { env }).catch((e: unknown) => {
    if (e instanceof GostaticError && e.code === ErrorCode.TOOL_MISSING)
      throw new GostaticError(
        ErrorCode.ENGINE_UNAVAILABLE,
        `${hint('load')} needs the docker CLI and a running Docker daemon; docker is not on PATH`,
        { hint: `install Docker, or ${hint('export-archive')}` },
      )
    throw e
  })
  if (r.exitCode !== 0) {
    if (NO_DAEMON.test(r.stderr))
      throw new ToolError(
        ErrorCode.ENGINE_UNAVAILABLE,
        `${hint('load')} found no Docker daemon to load into ` +
          `(DOCKER_HOST=${env['DOCKER_HOST'] ?? 'default'}): ${r.stderr.trim().split('\n').pop()}`,
        r,
        {
          hint: `start Docker or point DOCKER_HOST at a running daemon; or ${hint('export-archive')}`,
        },
      )
    throw new ToolError(ErrorCode.TOOL_FAILED, `docker load -i ${archivePath} failed: ${r.stderr.trim()}`, r)
  }
  const loaded = /^Loaded image(?: ID)?: (\S+)$/m.exec(r.stdout)?.[1]
  if (loaded === undefined)
    throw new ToolError(ErrorCode.TOOL_FAILED, `docker load -i ${archivePath} printed no image`, r)
  return loaded
}
