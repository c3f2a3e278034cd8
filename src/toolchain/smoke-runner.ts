// How an engine runs a target's binary for the UPX smoke run: natively when
// the binary is for the engine's own machine, else through the emulator the
// plan names when the host has it (Debian's qemu-user-static, called
// directly), else not at all. The plan names the emulator; this only finds it.
import { findOnPath } from '../util/find-on-path.js'

/** [] runs the binary natively, [path] through the emulator at path, null: no smoke run is possible. */
export function smokeRunner(native: boolean, emulator: string | null, env: NodeJS.ProcessEnv): string[] | null {
  if (native) return []
  const path = emulator === null ? null : findOnPath(emulator, env)
  return path === null ? null : [path]
}
