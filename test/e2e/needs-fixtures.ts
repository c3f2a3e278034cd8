// Fixtures for the runtime-needs builds: one small Go program per need, each
// doing the one thing that needs the file and failing with Go's own error
// when the image lacks it; a go-sqlite3 program; and a bare image base (one
// file, no passwd, no /tmp, nothing Go reads) pushed to the loopback registry.
import { X509Certificate } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { rootCertificates } from 'node:tls'
import type { NeedId } from '../../src/index.js'
import { buildLayer } from '../../src/oci/layer.js'
import { writeOciArchive } from '../../src/oci/oci-writer.js'
import { REGISTRY } from '../support/runtime.js'
import { pushWithSkopeo, uniqueRepo } from './registry-fixtures.js'

/** What `docker run --add-host` maps the name-resolution probe's name to. */
export const PROBE_HOST = { 'gostatic-needs.test': '10.11.12.13' }

const program = (imports: string[], body: string): string =>
  `package main\n\nimport (\n${imports.map((i) => `\t"${i}"`).join('\n')}\n)\n\nfunc main() {\n${body}\n}\n\n` +
  'func fail(err error) {\n\tfmt.Fprintln(os.Stderr, "probe:", err)\n\tos.Exit(1)\n}\n'

// A Mozilla root from Node's store, which the static base's bundle holds: verifying it with the system roots
// (Roots nil, what a TLS client does) runs Go's chain building against whatever bundle the image has.
const ROOT =
  rootCertificates.find((pem) => new X509Certificate(pem).subject.includes('ISRG Root X1')) ?? rootCertificates[0]!

/** Verifies a Mozilla root against the system roots: fails with 'unknown authority' where the image has none. */
export const CA_VERIFY_SRC = program(
  ['crypto/x509', 'encoding/pem', 'fmt', 'os'],
  `\tblock, _ := pem.Decode([]byte(\`${ROOT}\`))\n\tcert, err := x509.ParseCertificate(block.Bytes)\n` +
    '\tif err != nil {\n\t\tfail(err)\n\t}\n' +
    '\tif _, err := cert.Verify(x509.VerifyOptions{}); err != nil {\n\t\tfail(err)\n\t}\n' +
    '\tfmt.Println("verified", cert.Subject.CommonName)',
)

export interface NeedProbe {
  readonly need: Exclude<NeedId, 'cgo-stub'>
  readonly src: string
  /** What the probe prints when the image meets the need. */
  readonly ok: RegExp
  /** Go's error where the image lacks the file (null: the need changes behaviour, nothing fails). */
  readonly failure: string | null
  /** Whether gostatic's scratch base writes the file. */
  readonly scratchHasIt: boolean
}

export const NEED_PROBES: readonly NeedProbe[] = [
  {
    need: 'zoneinfo',
    src: program(
      ['fmt', 'os', 'time'],
      '\tloc, err := time.LoadLocation("Asia/Shanghai")\n\tif err != nil {\n\t\tfail(err)\n\t}\n' +
        '\tfmt.Println(time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).In(loc).Format(time.RFC3339))',
    ),
    ok: /^2024-01-01T20:00:00\+08:00\n$/,
    failure: 'probe: unknown time zone Asia/Shanghai',
    scratchHasIt: false,
  },
  {
    need: 'ca-roots',
    src: CA_VERIFY_SRC,
    ok: /^verified \S/,
    failure: 'x509: certificate signed by unknown authority',
    scratchHasIt: false,
  },
  {
    need: 'users',
    src: program(
      ['fmt', 'os', 'os/user'],
      '\tu, err := user.Current()\n\tif err != nil {\n\t\tfail(err)\n\t}\n\tfmt.Println(u.Username, u.Uid)',
    ),
    ok: /^nonroot 65532\n$/,
    failure: 'probe: user: Current requires cgo or $USER set in environment',
    scratchHasIt: true,
  },
  {
    need: 'name-resolution',
    src: program(
      ['fmt', 'net', 'os'],
      '\taddrs, err := net.LookupHost("gostatic-needs.test")\n' +
        '\tif err != nil {\n\t\tfail(err)\n\t}\n\tfmt.Println(addrs)',
    ),
    ok: /^\[10\.11\.12\.13\]\n$/,
    failure: null,
    scratchHasIt: true,
  },
  {
    need: 'service-names',
    src: program(
      ['fmt', 'net', 'os'],
      '\tport, err := net.LookupPort("tcp", "postgresql")\n\tif err != nil {\n\t\tfail(err)\n\t}\n\tfmt.Println(port)',
    ),
    ok: /^5432\n$/,
    failure: 'probe: lookup tcp/postgresql: unknown port',
    scratchHasIt: false,
  },
  {
    need: 'temp-dir',
    src: program(
      ['fmt', 'os'],
      '\tf, err := os.CreateTemp("", "probe")\n\tif err != nil {\n\t\tfail(err)\n\t}\n' +
        '\tif _, err := f.WriteString("ok"); err != nil {\n\t\tfail(err)\n\t}\n\tfmt.Println("wrote", f.Name())',
    ),
    ok: /^wrote \/tmp\/probe\d+\n$/,
    failure: 'no such file or directory',
    scratchHasIt: true,
  },
]

export const SQLITE_SRC = program(
  ['database/sql', 'fmt', 'os'],
  '\tdb, err := sql.Open("sqlite3", ":memory:")\n\tif err != nil {\n\t\tfail(err)\n\t}\n\tfmt.Println(db.Ping())',
).replace('\t"os"\n', '\t"os"\n\n\t_ "github.com/mattn/go-sqlite3"\n')

/** A module folder with main.go; `require` lines go into go.mod (the caller runs go mod tidy for them). */
export async function writeModule(dir: string, name: string, src: string, require = ''): Promise<string> {
  const d = join(dir, name)
  await mkdir(d, { recursive: true })
  const requires = require ? `\nrequire ${require}\n` : ''
  await writeFile(join(d, 'go.mod'), `module example.com/${name}\n\ngo 1.22\n${requires}`)
  await writeFile(join(d, 'main.go'), src)
  return d
}

/** An image base with one file and nothing Go reads (no passwd, /tmp or zones), on the loopback registry. */
export async function pushBareBase(dir: string): Promise<string> {
  const layer = await buildLayer([
    { path: '/etc/os-release', type: 'file', mode: 0o644, content: Buffer.from('ID=gostatic-bare\n') },
  ])
  const archive = join(dir, 'bare-base.tar')
  const image = { platform: { os: 'linux', architecture: 'amd64' }, layers: [layer], config: {} }
  await writeOciArchive(archive, [image], { refName: 'bare' })
  const ref = `${REGISTRY}/${uniqueRepo('needs-bare')}:1`
  await pushWithSkopeo(archive, ref)
  return ref
}
