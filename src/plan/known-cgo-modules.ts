// Well-known cgo modules and the pure-Go modules people replace them with.
// Deliberately short: an entry is here only when the replacement is widely
// used for the same job. None is a drop-in; each note says what changes.
// doctor audits sources with it; the runtime-needs rules refuse a binary
// that links one of the stubs.

export interface KnownCgoModule {
  /** Module path; matches the module's packages too. */
  readonly module: string
  /**
   * What it does with CGO_ENABLED=0 when that is known and worse than a build
   * error: 'stub' compiles, then fails at run time.
   */
  readonly withoutCgo?: 'stub'
  readonly replacement: string
  readonly note: string
  /** Tags a static .cgo() build of the module needs, and why. */
  readonly cgoTags?: { readonly tags: readonly string[]; readonly why: string }
  /**
   * A C library the module links that neither Go nor the C toolchain has: the
   * user gives its headers and static archive, built for musl. `library` is
   * the name -l takes ('pcap'), `header` the include that fails without it.
   */
  readonly systemLibrary?: { readonly library: string; readonly header: string; readonly alpine: string }
}

// Only gopacket's pcap package is cgo; the rest of the module is Go.
const PCAPGO =
  "gopacket's pcap package links libpcap. Its pcapgo package is pure Go: it reads and writes pcap files and, on " +
  'Linux, captures from an AF_PACKET socket (pcapgo.NewEthernetHandle); BPF filters are then compiled with ' +
  'golang.org/x/net/bpf instead of a pcap filter string'

export const KNOWN_CGO_MODULES: readonly KnownCgoModule[] = [
  {
    module: 'github.com/mattn/go-sqlite3',
    withoutCgo: 'stub',
    replacement: 'modernc.org/sqlite',
    cgoTags: {
      tags: ['sqlite_omit_load_extension'],
      why: 'go-sqlite3 then leaves out load_extension, so it never calls dlopen, which a static binary cannot do',
    },
    note:
      'with CGO_ENABLED=0 go-sqlite3 compiles a stub whose every connection fails with "Binary was compiled ' +
      "with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub\". modernc.org/sqlite is SQLite " +
      "translated to Go: same file format, database/sql driver name 'sqlite' instead of 'sqlite3' " +
      '(github.com/ncruces/go-sqlite3, SQLite as WebAssembly, is another pure-Go option)',
  },
  {
    module: 'github.com/confluentinc/confluent-kafka-go',
    replacement: 'github.com/twmb/franz-go',
    cgoTags: {
      tags: ['musl'],
      why: 'confluent-kafka-go then links its bundled librdkafka built for musl; without it, the one built for glibc',
    },
    note:
      'confluent-kafka-go wraps librdkafka through cgo. franz-go and github.com/segmentio/kafka-go are pure-Go ' +
      'Kafka clients with their own APIs',
  },
  {
    module: 'github.com/google/gopacket',
    replacement: 'github.com/google/gopacket/pcapgo',
    systemLibrary: { library: 'pcap', header: 'pcap.h', alpine: 'libpcap-dev' },
    note: PCAPGO,
  },
  {
    module: 'github.com/gopacket/gopacket',
    replacement: 'github.com/gopacket/gopacket/pcapgo',
    systemLibrary: { library: 'pcap', header: 'pcap.h', alpine: 'libpcap-dev' },
    note: PCAPGO,
  },
  {
    module: 'github.com/DataDog/zstd',
    replacement: 'github.com/klauspost/compress/zstd',
    note: 'a pure-Go zstd: the compressed format is the same, the API differs',
  },
  {
    module: 'github.com/valyala/gozstd',
    replacement: 'github.com/klauspost/compress/zstd',
    note: 'a pure-Go zstd: the compressed format is the same, the API differs',
  },
  {
    module: 'github.com/mattn/go-oci8',
    replacement: 'github.com/sijms/go-ora/v2',
    note: "a pure-Go Oracle client (database/sql driver name 'oracle'); no Oracle Instant Client needed",
  },
  {
    module: 'github.com/godror/godror',
    replacement: 'github.com/sijms/go-ora/v2',
    note: "a pure-Go Oracle client (database/sql driver name 'oracle'); no Oracle Instant Client needed",
  },
]

/** Whether a module path is the known module or one of its major versions (…/v2). */
export function isKnownModule(path: string, k: KnownCgoModule): boolean {
  return path === k.module || path.startsWith(`${k.module}/`)
}

/** The entry for a package's module, matched by module path (or the import path when go list gave no module). */
export function knownCgoModule(importPath: string, modulePath: string | undefined): KnownCgoModule | undefined {
  const path = modulePath ?? importPath
  return KNOWN_CGO_MODULES.find(
    (k) => path === k.module || path.startsWith(`${k.module}/`) || importPath.startsWith(`${k.module}/`),
  )
}
