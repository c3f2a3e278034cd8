// What a failed static cgo link says about the library it could not link
// statically, read from the C linker's own words. Pure text → diagnosis.
//   GNU ld (musl-gcc): /usr/bin/ld: cannot find -lpcap: No such file or directory
// zig (lld):         error: unable to find static system library "pcap" using strategy no_fallback. searched paths:
// none
// A static archive built for glibc (Debian's -dev packages: _FORTIFY_SOURCE
// calls __fprintf_chk and the like, which musl does not have):
//   ld.lld: error: undefined symbol: __fprintf_chk
//   >>> referenced by pcap.o:(pcap_perror) in archive /usr/lib/x86_64-linux-gnu/libpcap.a
import { KNOWN_CGO_MODULES } from './known-cgo-modules.js'
import { hint } from '../hints.js'

const LD = /cannot find -l([A-Za-z0-9_+.-]+)/g
const ZIG = /unable to find static system library "([^"]+)"[^\n]*?searched paths:\s*([^\n]*)/g
// musl has __stack_chk_fail (stack protector); the other __*_chk are glibc's fortify functions.
const FORTIFY =
  /undefined symbol: (__(?!stack_chk_fail)\w+_chk)\b[^\n]*(?:\n>>> [^\n]*)*?\n>>> [^\n]* in archive (\S+)/g
const GLIBC_ONLY = "Debian's -dev packages are built for glibc (with _FORTIFY_SOURCE) and do not link with musl"

export interface StaticLinkProblem {
  /** Library names as -l takes them: 'pcap'. */
  readonly libraries: readonly string[]
  readonly message: string
  readonly hint: string
}

/** The libraries a static link could not find, from the build's stderr; null when the failure is something else. */
export function staticLinkProblem(stderr: string): StaticLinkProblem | null {
  const searched = new Map<string, string>()
  for (const m of stderr.matchAll(LD)) searched.set(m[1]!, '')
  for (const m of stderr.matchAll(ZIG))
    searched.set(
      m[1]!,
      m[2]!
        .trim()
        .replace(/\.$/, '')
        .replace(/^none$/, ''),
    )
  if (searched.size === 0) return null
  const libs = [...searched.keys()]
  const archives = libs.map((l) => `lib${l}.a`)
  const where = [...searched].filter(([, p]) => p !== '').map(([l, p]) => `${l}: searched ${p}`)
  const known = linkedBy(libs)
  return {
    libraries: libs,
    message:
      `the static link needs ${archives.join(', ')} (${libs.map((l) => `-l${l}`).join(' ')}), and the C linker found ` +
      `no static archive of ${libs.length === 1 ? 'it' : 'them'}${where.length ? ` (${where.join('; ')})` : ''}. ` +
      'A shared library (.so) cannot go into a static binary, so no image was written' +
      known.says,
    hint:
      `install ${archives.join(', ')} built for musl (the library's -dev or -static package, e.g. Alpine's ` +
      `${libs.map((l) => `lib${l}-dev`).join(', ')}; ${GLIBC_ONLY}) and give ` +
      `its folder with ${hint('cgo-ldflags')}, or replace the package that links it` +
      known.replace,
  }
}

/** Archives the link found that were built for glibc, from the linker's undefined __*_chk symbols; null if none. */
export function glibcArchiveProblem(stderr: string): StaticLinkProblem | null {
  const byArchive = new Map<string, Set<string>>()
  for (const m of stderr.matchAll(FORTIFY)) byArchive.set(m[2]!, (byArchive.get(m[2]!) ?? new Set()).add(m[1]!))
  if (byArchive.size === 0) return null
  const archives = [...byArchive.keys()]
  const libs = archives.map((a) => /lib([^/]+)\.a$/.exec(a)?.[1] ?? a)
  const calls = [...byArchive].map(([a, syms]) => `${a} calls ${[...syms].join(', ')}`)
  return {
    libraries: libs,
    message:
      `${calls.join('; ')}: glibc's _FORTIFY_SOURCE functions, which musl does not have, so ` +
      `${archives.length === 1 ? 'that archive was' : 'those archives were'} built for glibc and cannot go into a ` +
      'static musl binary; no image was written' +
      linkedBy(libs).says,
    hint:
      `give ${libs.map((l) => `lib${l}.a`).join(', ')} built for musl instead (Alpine's -dev packages, or the ` +
      `library built with the target's zig cc or musl-gcc) with ${hint('cgo-ldflags')}; ` +
      `${GLIBC_ONLY}`,
  }
}

/** Which known modules link these libraries (gopacket links pcap), and what replaces them. */
function linkedBy(libs: readonly string[]): { says: string; replace: string } {
  const known = KNOWN_CGO_MODULES.filter((k) => k.systemLibrary !== undefined && libs.includes(k.systemLibrary.library))
  if (known.length === 0) return { says: '', replace: '' }
  const byLib = new Map<string, string[]>()
  for (const k of known) byLib.set(k.systemLibrary!.library, [...(byLib.get(k.systemLibrary!.library) ?? []), k.module])
  return {
    says: [...byLib].map(([l, mods]) => `. -l${l} is what ${mods.join(' or ')} links`).join(''),
    replace: ` (${[...new Set(known.map((k) => `${k.module}: ${k.replacement}`))].join('; ')})`,
  }
}
