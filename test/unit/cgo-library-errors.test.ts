// What a cgo build that needs a system library says, from the C toolchain's
// own words (captured from real builds of github.com/google/gopacket/pcap with
// zig 0.17.1 and musl-gcc): a missing header, and a static archive built for
// glibc (Debian's libpcap0.8-dev).
import { describe, expect, it } from 'vitest'
import { missingCHeaders, missingHeaderNote } from '../../src/plan/missing-c-header.js'
import { glibcArchiveProblem, staticLinkProblem } from '../../src/plan/static-link-error.js'

const ZIG_HEADER =
  '# github.com/google/gopacket/pcap\n' +
  "/root/go/pkg/mod/github.com/google/gopacket@v1.1.19/pcap/pcap_unix.go:34:10: fatal error: 'pcap.h' file not found\n" +
  '   34 | #include <pcap.h>\n      |          ^~~~~~~~\n1 error generated.\n'
const GCC_HEADER =
  '# example.com/own\n./main.go:3:10: fatal error: foo.h: No such file or directory\n    3 | // #include <foo.h>\ncompilation terminated.\n'
const DEBIAN_LIBPCAP = '/tmp/deb/usr/lib/x86_64-linux-gnu/libpcap.a'
const GLIBC_LINK =
  '# example.com/pcap\n/usr/local/go/pkg/tool/linux_amd64/link: running zig failed: exit status 1\n' +
  'ld.lld: error: undefined symbol: __fprintf_chk\n' +
  `>>> referenced by scanner.o:(yy_fatal_error.constprop.0) in archive ${DEBIAN_LIBPCAP}\n` +
  `>>> referenced by pcap.o:(pcap_perror) in archive ${DEBIAN_LIBPCAP}\n\n` +
  'ld.lld: error: undefined symbol: __stack_chk_fail\n' +
  `>>> referenced by pcap.o:(pcap_open) in archive ${DEBIAN_LIBPCAP}\n\n` +
  'ld.lld: error: undefined symbol: __snprintf_chk\n' +
  `>>> referenced by sf-pcapng.o:(read_bytes) in archive ${DEBIAN_LIBPCAP}\n>>> referenced 61 more times\n\n` +
  'ld.lld: error: undefined symbol: getnetbyname_r\n' +
  `>>> referenced by nametoaddr.o:(pcap_nametonetaddr) in archive ${DEBIAN_LIBPCAP}\n`

describe('a cgo compile that stops on a missing C header', () => {
  it('names the header and the package including it, from zig (clang) and from gcc', () => {
    expect(missingCHeaders(ZIG_HEADER)).toEqual([{ package: 'github.com/google/gopacket/pcap', header: 'pcap.h' }])
    expect(missingCHeaders(GCC_HEADER)).toEqual([{ package: 'example.com/own', header: 'foo.h' }])
    expect(missingHeaderNote('main.go:3:2: undefined: foo')).toBeNull()
  })

  it("gopacket's pcap.h: names libpcap, libpcap.a built for musl, what is not allowed, and pcapgo", () => {
    const note = missingHeaderNote(ZIG_HEADER)!
    expect(note.detail).toBe(
      'github.com/google/gopacket/pcap includes <pcap.h>, which the C compiler did not find: a C library\'s headers ' +
        'that neither Go nor the C toolchain has. github.com/google/gopacket links libpcap (-lpcap): a static build ' +
        "needs libpcap's headers and libpcap.a built for musl (Alpine's libpcap-dev). zig and musl-gcc do not look " +
        "in this machine's /usr/include: the headers there are for glibc",
    )
    expect(note.hint).toContain("Debian's (libpcap-dev, ...) are built for glibc and are not allowed into a static musl link")
    expect(note.hint).toContain(".env({ CGO_CFLAGS: '-I/path/to/include', CGO_LDFLAGS: '-L/path/to/lib' })")
    expect(note.hint).toMatch(/Or replace it: github\.com\/google\/gopacket\/pcapgo$/)
  })

  it('an unknown library gets the general advice, no module named', () => {
    const note = missingHeaderNote(GCC_HEADER)!
    expect(note.detail).toMatch(/^example\.com\/own includes <foo\.h>, which the C compiler did not find/)
    expect(note.detail).not.toContain('links lib')
    expect(note.hint).not.toContain('Or replace it')
  })
})

describe('a static archive built for glibc', () => {
  it("names the archive and the fortify calls musl lacks (not __stack_chk_fail, which musl has)", () => {
    const p = glibcArchiveProblem(GLIBC_LINK)!
    expect(p.libraries).toEqual(['pcap'])
    expect(p.message).toBe(
      `${DEBIAN_LIBPCAP} calls __fprintf_chk, __snprintf_chk: glibc's _FORTIFY_SOURCE functions, which musl does not ` +
        'have, so that archive was built for glibc and cannot go into a static musl binary; no image was written. ' +
        '-lpcap is what github.com/google/gopacket or github.com/gopacket/gopacket links',
    )
    expect(p.hint).toContain('give libpcap.a built for musl instead')
    expect(p.hint).toContain("Debian's -dev packages are built for glibc (with _FORTIFY_SOURCE) and do not link with musl")
    expect(glibcArchiveProblem('ld.lld: error: undefined symbol: __stack_chk_fail\n>>> referenced by a.o:(f) in archive /x/liba.a\n')).toBeNull()
  })

  it('a missing libpcap.a names gopacket and its pure-Go replacement', () => {
    const p = staticLinkProblem('error: unable to find static system library "pcap" using strategy no_fallback. searched paths: none')!
    expect(p.message).toMatch(/-lpcap is what github\.com\/google\/gopacket or github\.com\/gopacket\/gopacket links$/)
    expect(p.hint).toContain('(github.com/google/gopacket: github.com/google/gopacket/pcapgo; github.com/gopacket/gopacket: github.com/gopacket/gopacket/pcapgo)')
  })
})
