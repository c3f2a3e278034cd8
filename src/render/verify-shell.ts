// Shell text for the checks a Dockerfile build runs on the binary, the same
// refusals the engines make in-process: a dynamically linked ELF (readelf's
// program headers and dynamic section, from the binutils the plan's builder
// tools install), build settings other than the plan's, and a cgo stub in the
// build info. Each check exits non-zero with a message that names the binary.
import type { RefusedModule } from '../plan/build-plan.js'
import { shq } from '../util/shell-quote.js'

/**
 * Refuses `out` when it has a PT_INTERP (readelf -lW: "Requesting program
 * interpreter") or a DT_NEEDED entry (readelf -dW: "(NEEDED)"), printing
 * what it needs. readelf failing (not an ELF) fails the check too.
 */
export function linkageCheck(out: string, imagePath: string): string {
  const refuse =
    `gostatic: ${out} is dynamically linked. On scratch or a static base it would die with ` +
    `'exec ${imagePath}: no such file or directory'. Refusing to build the image. It needs:`
  const interp = `printf '%s\\n' "$h" | grep 'program interpreter'`
  const needed = `printf '%s\\n' "$d" | grep '(NEEDED)'`
  return [
    `h=$(readelf -lW ${out}) && d=$(readelf -dW ${out})`,
    `if ${interp} >/dev/null || ${needed} >/dev/null; then ` +
      `echo ${shq(refuse)} >&2; ${interp} >&2; ${needed} >&2; exit 1; fi`,
  ].join(' && ')
}

/** Refuses `out` unless `go version -m` shows each setting. */
export function settingsCheck(out: string, settings: readonly (readonly [string, string])[]): string {
  return settings.map(([k, v]) => `go version -m ${out} | grep -q ${shq(`build\t${k}=${v}`)}`).join(' && ')
}

/** Refuses `out` when its build info lists one of `modules` as a dependency; '' when there are none. */
export function stubCheck(out: string, modules: readonly RefusedModule[]): string {
  if (modules.length === 0) return ''
  const ifs = modules.map((m) => {
    const refuse =
      `gostatic: ${out} links ${m.module}, which compiles a stub with CGO_ENABLED=0 that fails at run time: ` +
      `replace it with ${m.replacement}, or build it with cgo: .cgo() (gostatic build --cgo)`
    return `if printf '%s\\n' "$m" | grep -q ${shq(`\tdep\t${m.module}\t`)}; then echo ${shq(refuse)} >&2; exit 1; fi`
  })
  return [`m=$(go version -m ${out})`, ...ifs].join(' && ')
}
