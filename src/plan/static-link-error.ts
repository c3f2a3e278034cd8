// What a failed static cgo link says about the library it could not link
// statically, read from the C linker's own words. Pure text → diagnosis.
//   GNU ld (musl-gcc): /usr/bin/ld: cannot find -lpcap: No such file or directory
// zig (lld):         error: unable to find static system library "pcap" using strategy no_fallback. searched paths:
// none
import { hint } from '../hints.js'

const LD = /cannot find -l([A-Za-z0-9_+.-]+)/g
const ZIG = /unable to find static system library "([^"]+)"[^\n]*?searched paths:\s*([^\n]*)/g

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
  return {
    libraries: libs,
    message:
      `the static link needs ${archives.join(', ')} (${libs.map((l) => `-l${l}`).join(' ')}), and the C linker found ` +
      `no static archive of ${libs.length === 1 ? 'it' : 'them'}${where.length ? ` (${where.join('; ')})` : ''}. ` +
      'A shared library (.so) cannot go into a static binary, so no image was written',
    hint:
      `install ${archives.join(', ')} built for musl (the library's -dev or -static package, e.g. Alpine's ` +
      `${libs.map((l) => `lib${l}-dev`).join(', ')}; Debian's are built for glibc and may not link with musl) ` +
      `and give its folder with ${hint('cgo-ldflags')}, or replace the package that links it`,
  }
}
