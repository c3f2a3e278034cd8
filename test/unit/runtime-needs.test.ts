// The runtime-needs rule table and the check against an image's files: pure,
// so every message a user reads is pinned here as an inline snapshot.
import { describe, expect, it } from 'vitest'
import { goService } from '../../src/builder/go-service.js'
import { ErrorCode, isGostaticError } from '../../src/errors.js'
import { plan } from '../../src/plan/plan.js'
import { parseServiceSpec } from '../../src/spec/parse.js'
import { fileSet, runtimeFileSet } from '../../src/plan/image-files.js'
import type { ImageEntry } from '../../src/plan/image-files.js'
import { applyNeedFiles, checkNeeds } from '../../src/plan/needs-check.js'
import type { ImageContext, NeedVerdict } from '../../src/plan/needs-check.js'
import { needsError, needsProblems, needsSummary } from '../../src/plan/needs-verdicts.js'
import { deriveNeeds } from '../../src/plan/runtime-needs.js'
import type { BinaryEvidence } from '../../src/plan/runtime-needs.js'

const ALL: BinaryEvidence = {
  functions: [
    'main.main', 'time.LoadLocation', 'crypto/x509.loadSystemRoots', 'os/user.Current', 'os/user.LookupGroupId',
    'net.getSystemNSS', 'net.readServices', 'os.TempDir', 'os.CreateTemp',
  ],
  modules: ['github.com/mattn/go-sqlite3', 'golang.org/x/text'],
  settings: { CGO_ENABLED: '0' },
}
const NO_STUB: BinaryEvidence = { ...ALL, modules: [] }
const LAX = { strict: false, ignore: [], declined: [] } as const

const dir = (mode = 0o755, uid = 0, gid = 0): ImageEntry => ({ type: 'dir', mode, uid, gid, size: 0 })
const file = (size = 100): ImageEntry => ({ type: 'file', mode: 0o644, uid: 0, gid: 0, size })
const link = (to: string): ImageEntry => ({ type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, link: to })
const status = (vs: readonly NeedVerdict[]): Record<string, string> => Object.fromEntries(vs.map((v) => [v.id, v.status]))
const detail = (vs: readonly NeedVerdict[]): Record<string, string> => Object.fromEntries(vs.map((v) => [v.id, v.detail]))

// Like alpine:3.20: root and nobody, a CA bundle behind a symlink, /tmp, no zoneinfo, no services, no nsswitch.conf.
const ALPINE = fileSet(
  [
    ['etc', dir()], ['etc/passwd', file()], ['etc/group', file()],
    ['etc/ssl/certs/ca-certificates.crt', file(200_000)], ['etc/ssl/cert.pem', link('certs/ca-certificates.crt')],
    ['tmp', dir(0o1777)], ['bin/busybox', file()],
  ],
  [
    ['/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n'],
    ['/etc/group', 'root:x:0:root\nnobody:x:65534:\n'],
  ],
)
const onAlpine = (over: Partial<ImageContext> = {}): ImageContext => ({ base: 'image', files: ALPINE, user: null, env: [], ...over })

describe('the rule table', () => {
  it('derives every need from its evidence, with the message and fix a user reads', () => {
    expect(deriveNeeds(ALL).map(({ id, severity, evidence, message, fix }) => ({ id, severity, evidence, message, fix }))).toMatchInlineSnapshot(`
      [
        {
          "evidence": [
            "time.LoadLocation",
          ],
          "fix": "list the zones with .timezones(['Europe/Berlin', ...]) (files on scratch and static, embedded on image bases), use runtime('static') (all zones by default), or import _ "time/tzdata" to embed the database (about 450 KB)",
          "id": "zoneinfo",
          "message": "time.LoadLocation reads zone files ($ZONEINFO, /usr/share/zoneinfo); without them it fails with 'unknown time zone'",
          "severity": "warning",
        },
        {
          "evidence": [
            "crypto/x509.loadSystemRoots",
          ],
          "fix": "use runtime('static') or .caCertificates() (a bundle at /etc/ssl/certs/ca-certificates.crt), or import _ "golang.org/x/crypto/x509roots/fallback" to embed roots",
          "id": "ca-roots",
          "message": "crypto/x509 loads the system CA roots ($SSL_CERT_FILE, $SSL_CERT_DIR, /etc/ssl/certs/ca-certificates.crt and the other paths Go knows); without a bundle TLS verification fails with 'x509: certificate signed by unknown authority'",
          "severity": "warning",
        },
        {
          "evidence": [
            "os/user.Current",
            "os/user.LookupGroupId",
          ],
          "fix": "runtime('static') and runtime('scratch') write /etc/passwd and /etc/group with the image's user; on an image base add the user to the base, or run as one it has with .user(uid:gid)",
          "id": "users",
          "message": "os/user.Current, os/user.LookupGroupId read /etc/passwd and /etc/group: without an entry for the image's user, user.Current fails (unless $USER and $HOME are set) and lookups return Unknown*Error",
          "severity": "warning",
        },
        {
          "evidence": [
            "net.getSystemNSS",
          ],
          "fix": "add an /etc/nsswitch.conf ('hosts: files dns') to choose another order; runtime('static') and runtime('scratch') write one",
          "id": "name-resolution",
          "message": "Go's resolver reads /etc/nsswitch.conf for the order of /etc/hosts and DNS; without it Go uses /etc/hosts, then DNS (container runtimes mount /etc/hosts and /etc/resolv.conf), so lookups still work",
          "severity": "info",
        },
        {
          "evidence": [
            "net.readServices",
          ],
          "fix": "runtime('static') writes /etc/services; elsewhere copy one in with .copy(...) or use port numbers",
          "id": "service-names",
          "message": "net.LookupPort, and service names in addresses such as "db:postgresql", read /etc/services; without it only ftp, ftps, gopher, http, https, imap2, imap3, imaps, pop3, pop3s, smtp, submissions, ssh, telnet (tcp) and domain (udp) resolve and other names fail with 'unknown port'",
          "severity": "warning",
        },
        {
          "evidence": [
            "os.TempDir",
            "os.CreateTemp",
          ],
          "fix": "runtime('static') and runtime('scratch') create /tmp with mode 1777; on an image base create it, or set TMPDIR to a writable directory (a mounted volume)",
          "id": "temp-dir",
          "message": "os.TempDir (and os.CreateTemp and os.MkdirTemp with dir "") use $TMPDIR or /tmp: without a directory the image's user can write there, creating temp files fails",
          "severity": "warning",
        },
        {
          "evidence": [
            "github.com/mattn/go-sqlite3",
          ],
          "fix": "replace github.com/mattn/go-sqlite3 with modernc.org/sqlite, or build with cgo: .cgo() makes a static cgo build with zig or musl-gcc (without it gostatic builds with CGO_ENABLED=0, and no image can make the stub work)",
          "id": "cgo-stub",
          "message": "github.com/mattn/go-sqlite3 is linked as the stub it compiles with CGO_ENABLED=0: with CGO_ENABLED=0 go-sqlite3 compiles a stub whose every connection fails with "Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub". modernc.org/sqlite is SQLite translated to Go: same file format, database/sql driver name 'sqlite' instead of 'sqlite3' (github.com/ncruces/go-sqlite3, SQLite as WebAssembly, is another pure-Go option)",
          "severity": "error",
        },
      ]
    `)
  })

  it('needs nothing for a program that links none of it', () => {
    expect(deriveNeeds({ functions: ['main.main', 'fmt.Println'], modules: ['golang.org/x/text'], settings: {} })).toEqual([])
  })

  it('says when the binary meets a need itself', () => {
    const embedded = deriveNeeds({ ...NO_STUB, functions: [...NO_STUB.functions, 'time/tzdata.init.0', 'golang.org/x/crypto/x509roots/fallback.init.0'] })
    expect(Object.fromEntries(embedded.filter((n) => n.embedded).map((n) => [n.id, n.embedded]))).toMatchInlineSnapshot(`
      {
        "ca-roots": "golang.org/x/crypto/x509roots/fallback is linked: CA roots are in the binary",
        "zoneinfo": "time/tzdata is linked: the zone database is in the binary",
      }
    `)
  })

  it('sees a cgo stub only with cgo off, and only for modules known to compile one', () => {
    const ids = (e: Partial<BinaryEvidence>) => deriveNeeds({ ...ALL, ...e }).map((n) => n.id).filter((id) => id === 'cgo-stub')
    expect(ids({})).toEqual(['cgo-stub'])
    expect(ids({ settings: {} })).toEqual(['cgo-stub'])
    expect(ids({ settings: { CGO_ENABLED: '1' } })).toEqual([])
    // confluent-kafka-go fails to build without cgo instead: a binary with it was built with cgo.
    expect(ids({ modules: ['github.com/confluentinc/confluent-kafka-go'] })).toEqual([])
  })

  it('names passwd only, when no group lookup is linked', () => {
    const [users] = deriveNeeds({ functions: ['os/user.Current'], modules: [], settings: {} })
    expect(users!.message).toMatchInlineSnapshot(`"os/user.Current reads /etc/passwd: without an entry for the image's user, user.Current fails (unless $USER and $HOME are set) and lookups return Unknown*Error"`)
  })
})

describe('checking needs against an image', () => {
  it('on static, meets what the base lacks with files: all zones and /etc/services', () => {
    const p = plan(goService({ name: 'api', source: '.' }).toSpec())
    const check = checkNeeds(deriveNeeds(NO_STUB), { base: 'static', files: runtimeFileSet(p.runtime), user: p.runtime.config.user, env: p.runtime.config.env }, p.needs)
    expect(status(check.verdicts)).toEqual({
      zoneinfo: 'added', 'ca-roots': 'met', users: 'met', 'name-resolution': 'met', 'service-names': 'added', 'temp-dir': 'met',
    })
    expect(detail(check.verdicts)).toMatchInlineSnapshot(`
      {
        "ca-roots": "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
        "name-resolution": "/etc/nsswitch.conf",
        "service-names": "the image has no /etc/services; adds /etc/services",
        "temp-dir": "/tmp (mode 1777, owner 0:0) is writable by uid 65532",
        "users": "/etc/passwd has nonroot (uid 65532) and group nonroot (gid 65532)",
        "zoneinfo": "no zone files in /usr/share/zoneinfo, /usr/share/lib/zoneinfo, /usr/lib/locale/TZ, /etc/zoneinfo; adds /usr/share/zoneinfo (all zones)",
      }
    `)
    expect(check.add.map((f) => [f.kind, f.path])).toEqual([['text', '/etc/services'], ['zoneinfo', '/usr/share/zoneinfo']])
    expect(check.add[1]).toEqual({ kind: 'zoneinfo', path: '/usr/share/zoneinfo', zones: 'all' })
    expect(needsSummary(check.verdicts)).toBe('6/6 met')
    // What the engine builds then meets every need.
    const after = applyNeedFiles(p.runtime, check.add)
    expect(after.files.map((f) => f.path)).toEqual([...after.files.map((f) => f.path)].sort())
    const again = checkNeeds(deriveNeeds(NO_STUB), { base: 'static', files: runtimeFileSet(after), user: after.config.user, env: after.config.env }, p.needs)
    expect(status(again.verdicts)).toEqual({
      zoneinfo: 'met', 'ca-roots': 'met', users: 'met', 'name-resolution': 'met', 'service-names': 'met', 'temp-dir': 'met',
    })
  })

  it('on static, an explicit zone list wins over all zones', () => {
    const p = plan(goService({ name: 'api', source: '.' }).timezones(['Asia/Shanghai']).toSpec())
    const check = checkNeeds(deriveNeeds(NO_STUB), { base: 'static', files: runtimeFileSet(p.runtime), user: p.runtime.config.user, env: [] }, p.needs)
    expect(check.verdicts.find((v) => v.id === 'zoneinfo')).toMatchObject({ status: 'met', detail: 'zone files in /usr/share/zoneinfo' })
    expect(check.add.map((f) => f.path)).toEqual(['/etc/services'])
  })

  it('on static, caCertificates(false) is respected: the CA need stays unmet', () => {
    const p = plan(goService({ name: 'api', source: '.' }).caCertificates(false).toSpec())
    expect(p.needs).toEqual({ strict: false, ignore: [], declined: ['ca-roots'] })
    const check = checkNeeds(deriveNeeds(NO_STUB), { base: 'static', files: runtimeFileSet(p.runtime), user: p.runtime.config.user, env: [] }, p.needs)
    expect(check.verdicts.find((v) => v.id === 'ca-roots')?.status).toBe('unmet')
  })

  it('on scratch, warns about what is missing and adds nothing', () => {
    const p = plan(goService({ name: 'api', source: '.' }).runtime('scratch').toSpec())
    const check = checkNeeds(deriveNeeds(NO_STUB), { base: 'scratch', files: runtimeFileSet(p.runtime), user: p.runtime.config.user, env: p.runtime.config.env }, p.needs)
    expect(check.add).toEqual([])
    expect(status(check.verdicts)).toEqual({
      zoneinfo: 'unmet', 'ca-roots': 'unmet', users: 'met', 'name-resolution': 'met', 'service-names': 'unmet', 'temp-dir': 'met',
    })
    expect(needsSummary(check.verdicts)).toBe('tz, ca, services missing')
    expect(needsProblems(check.verdicts, p.needs).warnings.map((v) => v.id)).toEqual(['zoneinfo', 'ca-roots', 'service-names'])
    expect(needsError(check.verdicts, p.needs, 'api linux/amd64')).toBeNull()
  })

  it('on an image base, reads its real files: symlinks, passwd entries, modes', () => {
    const check = checkNeeds(deriveNeeds(NO_STUB), onAlpine(), LAX)
    expect(detail(check.verdicts)).toMatchInlineSnapshot(`
      {
        "ca-roots": "a CA bundle at /etc/ssl/certs/ca-certificates.crt",
        "name-resolution": "the image has no /etc/nsswitch.conf",
        "service-names": "the image has no /etc/services",
        "temp-dir": "/tmp (mode 1777, owner 0:0) is writable by uid 0",
        "users": "/etc/passwd has root (uid 0) and group root (gid 0)",
        "zoneinfo": "no zone files in /usr/share/zoneinfo, /usr/share/lib/zoneinfo, /usr/lib/locale/TZ, /etc/zoneinfo",
      }
    `)
    expect(needsSummary(check.verdicts)).toBe('tz, services missing')
    // A missing nsswitch.conf changes nothing for Go's resolver: a note, even under strict.
    const strict = needsProblems(check.verdicts, { strict: true })
    expect(strict.notes.map((v) => v.id)).toEqual(['name-resolution'])
    expect(strict.errors.map((v) => v.id)).toEqual(['zoneinfo', 'service-names'])
  })

  it("checks the image's user against passwd and group, and /tmp against the user", () => {
    const d = (user: string, files = ALPINE) => detail(checkNeeds(deriveNeeds(NO_STUB), onAlpine({ user, files }), LAX).verdicts)
    expect(d('65532:65532').users).toMatchInlineSnapshot(`"/etc/passwd has no entry for uid 65532"`)
    expect(d('nobody').users).toMatchInlineSnapshot(`"/etc/passwd has nobody (uid 65534) and group nobody (gid 65534)"`)
    expect(d('65534:1234').users).toMatchInlineSnapshot(`"/etc/passwd has nobody (uid 65534) but /etc/group has no group 1234"`)
    const lockedTmp = fileSet([...ALPINE.entries].map(([k, e]) => [k, k === 'tmp' ? dir(0o755, 0, 0) : e]), ALPINE.texts)
    expect(d('nobody', lockedTmp)['temp-dir']).toMatchInlineSnapshot(`"/tmp (mode 0755, owner 0:0) is not writable by uid 65534"`)
    expect(d('0', lockedTmp)['temp-dir']).toMatchInlineSnapshot(`"/tmp (mode 0755, owner 0:0) is writable by uid 0"`)
  })

  it('follows SSL_CERT_FILE, SSL_CERT_DIR, ZONEINFO and TMPDIR as Go does', () => {
    const files = fileSet(
      [
        ...ALPINE.entries,
        ['certs/a.pem', link('/usr/share/ca/a.crt')], ['usr/share/ca/a.crt', file()], ['certs/broken.pem', link('/nowhere')],
        ['opt/zoneinfo.zip', file()], ['scratch', dir(0o777)],
      ],
      ALPINE.texts,
    )
    const d = (env: string[]) => detail(checkNeeds(deriveNeeds(NO_STUB), onAlpine({ files, env, user: '65534' }), LAX).verdicts)
    expect(d(['SSL_CERT_FILE=/etc/ssl/missing.pem'])['ca-roots']).toMatchInlineSnapshot(`"certificates in /etc/ssl/certs"`)
    expect(d(['SSL_CERT_FILE=/etc/ssl/missing.pem', 'SSL_CERT_DIR=/nope:/certs'])['ca-roots']).toMatchInlineSnapshot(`"certificates in /certs"`)
    expect(d(['ZONEINFO=/opt/zoneinfo.zip']).zoneinfo).toMatchInlineSnapshot(`"ZONEINFO=/opt/zoneinfo.zip is in the image"`)
    expect(d(['ZONEINFO=/opt/missing.zip']).zoneinfo).toMatchInlineSnapshot(`"no zone files in /usr/share/zoneinfo, /usr/share/lib/zoneinfo, /usr/lib/locale/TZ, /etc/zoneinfo, and ZONEINFO=/opt/missing.zip is not in the image"`)
    expect(d(['TMPDIR=/scratch'])['temp-dir']).toMatchInlineSnapshot(`"/scratch (mode 0777, owner 0:0) is writable by uid 65534"`)
    expect(d(['TMPDIR=/var/tmp'])['temp-dir']).toMatchInlineSnapshot(`"/var/tmp is not a directory in the image"`)
  })

  it('reports ignored needs without a warning, and strict turns warnings into one error', () => {
    const ignored = checkNeeds(deriveNeeds(NO_STUB), onAlpine(), { ...LAX, ignore: ['service-names'] })
    expect(status(ignored.verdicts)['service-names']).toBe('ignored')
    expect(needsSummary(ignored.verdicts)).toBe('tz missing')
    expect(needsProblems(ignored.verdicts, LAX).warnings.map((v) => v.id)).toEqual(['zoneinfo'])
    const err = needsError(ignored.verdicts, { strict: true }, 'api linux/amd64')
    expect(err?.code).toBe(ErrorCode.NEEDS_UNMET)
    expect(err?.message).toMatchInlineSnapshot(`
      "api linux/amd64: the image does not meet a runtime need (needs({ strict: true })):
        - zoneinfo (time.LoadLocation): no zone files in /usr/share/zoneinfo, /usr/share/lib/zoneinfo, /usr/lib/locale/TZ, /etc/zoneinfo. time.LoadLocation reads zone files ($ZONEINFO, /usr/share/zoneinfo); without them it fails with 'unknown time zone'. Fix: list the zones with .timezones(['Europe/Berlin', ...]) (files on scratch and static, embedded on image bases), use runtime('static') (all zones by default), or import _ "time/tzdata" to embed the database (about 450 KB)"
    `)
    expect(err?.hint).toMatchInlineSnapshot(`"meet each need as its fix says, or declare it handled with needs({ ignore: ['<id>'] })"`)
  })

  it('always refuses a cgo stub, with CGO_STUB, naming the module and its replacement', () => {
    const check = checkNeeds(deriveNeeds(ALL), onAlpine(), LAX)
    expect(needsSummary(check.verdicts)).toBe('cgo stub; tz, services missing')
    const err = needsError(check.verdicts, LAX, 'api linux/amd64')
    expect(err?.code).toBe(ErrorCode.CGO_STUB)
    expect(err?.message).toMatchInlineSnapshot(`"api linux/amd64 links a cgo stub that fails at run time: github.com/mattn/go-sqlite3 is linked as the stub it compiles with CGO_ENABLED=0: with CGO_ENABLED=0 go-sqlite3 compiles a stub whose every connection fails with "Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub". modernc.org/sqlite is SQLite translated to Go: same file format, database/sql driver name 'sqlite' instead of 'sqlite3' (github.com/ncruces/go-sqlite3, SQLite as WebAssembly, is another pure-Go option)"`)
    expect(err?.hint).toMatchInlineSnapshot(`"replace github.com/mattn/go-sqlite3 with modernc.org/sqlite, or build with cgo: .cgo() makes a static cgo build with zig or musl-gcc (without it gostatic builds with CGO_ENABLED=0, and no image can make the stub work)"`)
    const onStatic = checkNeeds(deriveNeeds(ALL), { ...onAlpine(), base: 'static' }, LAX)
    expect(status(onStatic.verdicts)['cgo-stub']).toBe('unmet')
  })
})

describe('needs({ strict, ignore })', () => {
  it('lands in the plan, merging ignores across calls', () => {
    const svc = goService({ name: 'api', source: '.' }).needs({ ignore: ['temp-dir'] }).needs({ strict: true, ignore: ['users'] })
    expect(svc.plan().needs).toEqual({ strict: true, ignore: ['temp-dir', 'users'], declined: [] })
    expect(goService({ name: 'api', source: '.' }).plan().needs).toEqual({ strict: false, ignore: [], declined: [] })
  })

  it('refuses to ignore a cgo stub or an unknown need', () => {
    const msg = (ignore: string[]) => {
      try {
        parseServiceSpec({ name: 'api', source: '.', needs: { ignore } })
      } catch (e) {
        if (isGostaticError(e)) return `${e.code}: ${e.message}`
      }
      return 'no error'
    }
    expect(msg(['cgo-stub'])).toMatchInlineSnapshot(`
      "INVALID_SPEC: invalid service 'api':
      ✖ 'cgo-stub' cannot be ignored: a cgo stub fails on every base; replace the module
        → at needs.ignore[0]"
    `)
    expect(msg(['dns'])).toMatchInlineSnapshot(`
      "INVALID_SPEC: invalid service 'api':
      ✖ unknown runtime need 'dns'; allowed: zoneinfo, ca-roots, users, name-resolution, service-names, temp-dir, local-zone, env-paths, home, cgo-stub
        → at needs.ignore[0]"
    `)
  })
})
