// Dagger SDK errors → GostaticErrors: a failed exec carries its command, exit
// code and stderr like a failed local tool run; a missing engine says so.
import { ErrorCode, GostaticError, ToolError, isGostaticError } from '../../errors.js'

export function translateDaggerError(e: unknown, service: string): unknown {
  if (isGostaticError(e) || !(e instanceof Error)) return e
  const x = e as Error & { cmd?: string[]; exitCode?: number; stdout?: string; stderr?: string; code?: string }
  if (x.name === 'ExecError' && Array.isArray(x.cmd)) {
    const isBuild = x.cmd[0] === 'go' && x.cmd[1] === 'build'
    const run = { cmd: x.cmd, exitCode: x.exitCode ?? null, stdout: x.stdout ?? '', stderr: x.stderr ?? '' }
    return new ToolError(isBuild ? ErrorCode.GO_BUILD_FAILED : ErrorCode.TOOL_FAILED, `${isBuild ? 'go build' : x.cmd.join(' ')} failed for ${service} in the Dagger builder:\n${run.stderr.trim()}`, run)
  }
  if (/EngineSession|InitEngineSessionBinary|connect/i.test(`${x.name} ${x.message}`))
    return new GostaticError(ErrorCode.ENGINE_UNAVAILABLE, `cannot reach the Dagger engine: ${x.message.split('\n')[0]}`, { hint: 'start it (scripts/dagger-engine.sh up) and export what `scripts/dagger-engine.sh env` prints, or use --engine local', cause: e })
  return e
}
