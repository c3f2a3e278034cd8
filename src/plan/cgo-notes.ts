// explain() for a .cgo() plan: why each cgo flag is there. Pure text from the plan.
import type { CgoPlan, PlanNote } from './build-plan.js'
import { CGO_BASE_TAGS } from './cgo-plan.js'
import { GO_DEFAULT_CFLAGS, MUSL_COMPAT_CFLAGS } from './cgo-cflags.js'
import { hint } from '../hints.js'

const TOOLCHAIN: Record<CgoPlan['toolchain'], string> = {
  zig:
    'CC is `zig cc -target <arch>-linux-musl` (CXX `zig c++`) per platform: zig carries musl and builds it for the ' +
    'target once, into its cache (ZIG_GLOBAL_CACHE_DIR), so one machine cross-compiles to linux/amd64 and linux/arm64.',
  'musl-gcc':
    "CC is musl-gcc, the host gcc with musl's headers and libc (Debian's musl-tools): it builds for the machine's " +
    'own ' +
    'platform only, and has no C++ compiler, so a package with C++ files needs zig.',
}

export function cgoNotes(cgo: CgoPlan): PlanNote[] {
  const notes: PlanNote[] = [
    {
      topic: 'CGO_ENABLED=1',
      text:
        `${hint('cgo')} asks for cgo. A cgo binary ` +
        'is static only when every C library it links is static and nothing loads ' +
        'one at run time; a musl toolchain makes that possible (glibc cannot be linked static safely). Verified ' +
        'after ' +
        "the build: no PT_INTERP, no DT_NEEDED, CGO_ENABLED=1 in the build info, and the C linker's mark in the ELF.",
    },
    { topic: `toolchain ${cgo.toolchain}`, text: `${cgo.why} ${TOOLCHAIN[cgo.toolchain]}` },
    {
      topic: "-linkmode external -extldflags '-static'",
      text:
        'The C linker links the binary and links it static. The seed recipe\'s -extldflags "-static" is right ' +
        'here, and ' +
        'only here: with cgo off no C linker runs and the flag does nothing.' +
        (cgo.toolchain === 'zig'
          ? " For zig it adds -Wl,--strip-all: zig cc lets the -g of cgo's default CGO_LDFLAGS ('-O2 -g'), which " +
            'comes ' +
            "after the -s Go passes, undo it, and the C code's debug info would stay in the binary."
          : ''),
    },
    {
      topic: 'CGO_CFLAGS, CGO_CXXFLAGS',
      text:
        `${GO_DEFAULT_CFLAGS} (Go's default) and ${MUSL_COMPAT_CFLAGS}, then any CGO_CFLAGS or CGO_CXXFLAGS from ` +
        ".env(): a user's flags are appended, never a replacement that drops -O2. musl 1.2.4 dropped the LFS64 names " +
        '(pread64, off64_t) that C written for glibc calls; the define brings them back.' +
        (cgo.toolchain === 'zig'
          ? ' -fno-sanitize=undefined comes last: zig cc builds C without -O in debug mode with UBSan, whose ' +
            '__ubsan_handle_* calls a static link cannot resolve.'
          : ''),
    },
    {
      topic: CGO_BASE_TAGS.join(','),
      text:
        "With cgo on, net and os/user would call libc's resolver and passwd lookups. These tags keep Go's own, as " +
        'with ' +
        'cgo off: the resolver reads /etc/hosts, /etc/resolv.conf and /etc/nsswitch.conf, os/user reads /etc/passwd.',
    },
    {
      topic: 'build info',
      text:
        'With -trimpath go records neither -ldflags nor the CGO_* flags in the build info (they may hold host ' +
        'paths), ' +
        'so verify reads the static link from the ELF and checks CGO_ENABLED=1 and the tags in the build info.',
    },
  ]
  for (const m of cgo.moduleTags) notes.push({ topic: m.tags.join(','), text: `For ${m.module}: ${m.why}.` })
  if (cgo.cache !== null)
    notes.push({
      topic: 'zig cache',
      text:
        `${cgo.cache.env.join(' and ')} point at the '${cgo.cache.name}' folder of gostatic's cache (a cache mount ` +
        `at ` +
        `${cgo.cache.builderPath} in the Dockerfile and Dagger builders), so only the first build pays for building ` +
        `musl.`,
    })
  return notes
}
