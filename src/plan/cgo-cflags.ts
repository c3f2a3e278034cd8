// The C and C++ flags of a static cgo build. Pure.
//
// - Go's default for CGO_CFLAGS is '-O2 -g', and a CGO_CFLAGS in the env
//   replaces it: without -O zig cc compiles C in debug mode with UBSan on,
//   and the static link then fails on __ubsan_handle_* symbols. So the plan
//   always starts from '-O2 -g', appends the user's flags, and for zig ends
//   with -fno-sanitize=undefined so no sanitizer call reaches the link.
// - musl 1.2.4 dropped the LFS64 names (pread64, off64_t, ...) that C written
//   for glibc uses (go-sqlite3 before 1.14.18: "use of undeclared identifier
//   'pread64'"); -D_LARGEFILE64_SOURCE brings them back as aliases.
import type { CgoPlan } from './build-plan.js'

/** Go's own default for CGO_CFLAGS and CGO_CXXFLAGS. */
export const GO_DEFAULT_CFLAGS = '-O2 -g'
/** What glibc-era C needs from musl. */
export const MUSL_COMPAT_CFLAGS = '-D_LARGEFILE64_SOURCE'
const NO_SANITIZERS = '-fno-sanitize=undefined'

/** CGO_CFLAGS and CGO_CXXFLAGS: the plan's flags, then the user's (from .env()), never the user's alone. */
export function cgoCFlags(cgo: CgoPlan, userEnv: Readonly<Record<string, string>>): Record<string, string> {
  const flags = (user: string | undefined): string =>
    [GO_DEFAULT_CFLAGS, MUSL_COMPAT_CFLAGS, user?.trim() ?? '', cgo.toolchain === 'zig' ? NO_SANITIZERS : '']
      .filter((f) => f !== '')
      .join(' ')
  return { CGO_CFLAGS: flags(userEnv['CGO_CFLAGS']), CGO_CXXFLAGS: flags(userEnv['CGO_CXXFLAGS']) }
}
