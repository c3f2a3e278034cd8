// A failed `go build` in the Dagger builder, with the note the local engine
// gives (toolchain/go-failure.ts): with cgo off, an undefined name that only a
// package's cgo files declare names that package's module and says .cgo().
// go list and the cgo files are read inside the same builder, where the
// module's files are (the module cache volume or /src/vendor).
import { ReturnType, type Container } from '@dagger.io/dagger'
import { ErrorCode, ToolError } from '../../errors.js'
import type { TargetPlan } from '../../plan/build-plan.js'
import { cgoOnlyNote, undefinedNames } from '../../plan/cgo-only-note.js'
import { cgoPackages, type GoRunner, type TextReader } from '../../toolchain/cgo-only-facts.js'
import { translateDaggerError } from './dagger-errors.js'

/** The error for a go build that failed in `builder` (the target's env not yet set). */
export async function goBuildFailure(e: unknown, builder: Container, t: TargetPlan, what: string): Promise<unknown> {
  const err = translateDaggerError(e, what)
  // A go build's exec error, with no cause already named (a Go version, a static link).
  const plain = err instanceof ToolError && err.code === ErrorCode.GO_BUILD_FAILED && err.hint === undefined
  if (!plain || t.env['CGO_ENABLED'] === '1') return err
  const names = undefinedNames(err.stderr)
  if (names.length === 0) return err
  const withEnv = (env: Readonly<Record<string, string>>) =>
    Object.entries({ ...t.env, ...env }).reduce((c, [k, v]) => c.withEnvVariable(k, v), builder)
  const go: GoRunner = async (args, env) => {
    const ran = withEnv(env).withExec(['go', ...args], { expect: ReturnType.Any })
    const [exitCode, stdout, stderr] = await Promise.all([ran.exitCode(), ran.stdout(), ran.stderr()])
    return { cmd: ['go', ...args], exitCode, signal: null, stdout, stderr }
  }
  // cat, not Container.file(): the module cache is a mounted volume.
  const read: TextReader = (path) => builder.withExec(['cat', '--', path]).stdout()
  const note = cgoOnlyNote(names, await cgoPackages(names, t.package, go, read).catch(() => []))
  if (note === null) return err
  return new ToolError(ErrorCode.GO_BUILD_FAILED, `${err.message}\n${note.detail}`, err, { hint: note.hint })
}
