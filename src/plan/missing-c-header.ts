// A cgo compile that stops on a missing C header: which package includes it,
// and, when the known-modules table knows the library behind it (gopacket's
// pcap.h is libpcap), what the user must provide. Pure text → diagnosis.
//   zig (clang): /root/go/pkg/mod/.../pcap_unix.go:34:10: fatal error: 'pcap.h' file not found
//   gcc:         pcap_unix.go:34:10: fatal error: pcap.h: No such file or directory
import { knownCgoModule, type KnownCgoModule } from './known-cgo-modules.js'

const PACKAGE = /^# (\S+)/
const HEADER = /fatal error: (?:'([^']+)' file not found|([^:\s]+\.h): No such file or directory)/

export interface MissingHeader {
  /** The package go was compiling: 'github.com/google/gopacket/pcap'. */
  readonly package: string | null
  readonly header: string
}

/** Each header a cgo compile could not find, with the package go names above it. */
export function missingCHeaders(stderr: string): MissingHeader[] {
  const out: MissingHeader[] = []
  let pkg: string | null = null
  for (const line of stderr.split('\n')) {
    const p = PACKAGE.exec(line)
    if (p) pkg = p[1]!
    const h = HEADER.exec(line)
    const header = h?.[1] ?? h?.[2]
    if (header !== undefined && !out.some((m) => m.header === header && m.package === pkg))
      out.push({ package: pkg, header })
  }
  return out
}

/** The note for a build that stopped on missing headers; null when it stopped on something else. */
export function missingHeaderNote(stderr: string): { readonly detail: string; readonly hint: string } | null {
  const missing = missingCHeaders(stderr)
  if (missing.length === 0) return null
  const known = missing.flatMap((m) => {
    const k = m.package === null ? undefined : knownCgoModule(m.package, undefined)
    return k?.systemLibrary?.header === m.header ? [{ ...m, known: k }] : []
  })
  const includes = missing.map((m) => `${m.package ?? 'a cgo package'} includes <${m.header}>`).join('; ')
  const libs = known.map(({ known: k }) => libraryNeed(k))
  return {
    detail:
      `${includes}, which the C compiler did not find: a C library's headers that neither Go nor the C toolchain ` +
      `has.${libs.length ? ` ${[...new Set(libs)].join(' ')}` : ''} zig and musl-gcc do not look in this ` +
      "machine's /usr/include: the headers there are for glibc",
    hint:
      'give the library built for musl for each target: its headers and its static archive (lib<name>.a), with ' +
      ".env({ CGO_CFLAGS: '-I/path/to/include', CGO_LDFLAGS: '-L/path/to/lib' }). Alpine's -dev packages " +
      "have both, built for musl; Debian's (libpcap-dev, ...) are built for glibc and are not allowed into a " +
      'static musl link' +
      (known.length ? `. Or replace it: ${[...new Set(known.map(({ known: k }) => k.replacement))].join(', ')}` : ''),
  }
}

function libraryNeed(k: KnownCgoModule): string {
  const lib = k.systemLibrary!
  return (
    `${k.module} links lib${lib.library} (-l${lib.library}): a static build needs lib${lib.library}'s headers ` +
    `and lib${lib.library}.a built for musl (Alpine's ${lib.alpine}).`
  )
}
