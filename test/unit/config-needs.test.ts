// Needs from the image config: TZ, the path variables SSL_CERT_FILE,
// SSL_CERT_DIR and ZONEINFO, and a home the image's user can write. Pure
// rules and checks, and the plan-time refusal of a TZ Go does not know.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { goService } from '../../src/builder/go-service.js'
import { GO_ZONES } from '../../src/plan/go-zones.js'
import { fileSet, runtimeFileSet } from '../../src/plan/image-files.js'
import type { ImageEntry } from '../../src/plan/image-files.js'
import { applyNeedFiles, checkNeeds } from '../../src/plan/needs-check.js'
import type { ImageContext, NeedVerdict } from '../../src/plan/needs-check.js'
import { needsImage } from '../../src/plan/needs-image.js'
import { plan } from '../../src/plan/plan.js'
import { deriveNeeds } from '../../src/plan/runtime-needs.js'
import type { BinaryEvidence } from '../../src/plan/runtime-needs.js'
import { zipEntries } from '../../src/util/zip-entries.js'
import { errorOf } from '../support/errors.js'
import { missing } from '../support/tools.js'

const BIN: BinaryEvidence = {
  functions: ['main.main', 'time.initLocal', 'os.UserCacheDir', 'crypto/x509.loadSystemRoots'],
  modules: [],
  settings: { CGO_ENABLED: '0' },
}
const LAX = { strict: false, ignore: [], declined: [] } as const
const dir = (mode = 0o755, uid = 0, gid = 0): ImageEntry => ({ type: 'dir', mode, uid, gid, size: 0 })
const file = (size = 100): ImageEntry => ({ type: 'file', mode: 0o644, uid: 0, gid: 0, size })
const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n'
const BASE = fileSet(
  [['etc/passwd', file()], ['etc/ssl/certs/ca-certificates.crt', file()], ['tmp', dir(0o1777)], ['root', dir(0o700)]],
  [['/etc/passwd', PASSWD]],
)
const image = (env: string[], user: string | null = null, files = BASE): ImageContext =>
  ({ base: 'image', files, user, env })
const verdicts = (img: ImageContext, bin = BIN): NeedVerdict[] => [
  ...checkNeeds(deriveNeeds(bin, { env: img.env, user: img.user, workdir: null }), img, LAX).verdicts,
]
const pick = (vs: NeedVerdict[], id: string) => vs.find((v) => v.id === id)

describe('TZ in the image env', () => {
  it('needs the zone file where the binary reads local time, and not without time.initLocal', () => {
    const v = pick(verdicts(image(['TZ=Asia/Tokyo'])), 'local-zone')!
    expect(v.status).toBe('unmet')
    expect(v.evidence).toEqual(['TZ=Asia/Tokyo', 'time.initLocal'])
    expect(v.detail).toBe('no Asia/Tokyo file in /usr/share/zoneinfo, /usr/share/lib/zoneinfo, /usr/lib/locale/TZ, /etc/zoneinfo')
    expect(v.message).toContain('runs in UTC, with no error')
    expect(v.fix).toContain(".timezones(['Asia/Tokyo'])")
    const noLocal = { ...BIN, functions: ['main.main'] }
    expect(pick(verdicts(image(['TZ=Asia/Tokyo']), noLocal), 'local-zone')).toBeUndefined()
    for (const tz of ['UTC', ':UTC', '']) expect(pick(verdicts(image([`TZ=${tz}`])), 'local-zone')).toBeUndefined()
  })

  it('is met by the file, by an absolute path in the image, or by an embedded time/tzdata', () => {
    const withZone = fileSet([...BASE.entries, ['usr/share/zoneinfo/Asia/Tokyo', file()]], BASE.texts)
    expect(pick(verdicts(image(['TZ=:Asia/Tokyo'], null, withZone)), 'local-zone')!.status).toBe('met')
    expect(pick(verdicts(image(['TZ=/etc/tz-file'])), 'local-zone')!.detail).toBe('/etc/tz-file is not a file in the image')
    const tzdata = { ...BIN, functions: [...BIN.functions, 'time/tzdata.init'] }
    expect(pick(verdicts(image(['TZ=Asia/Tokyo']), tzdata), 'local-zone')!.status).toBe('met')
  })

  it("a base's TZ naming no Go zone is unmet, saying so", () => {
    expect(pick(verdicts(image(['TZ=Mars/Olympus'])), 'local-zone')!.detail).toBe(
      "TZ=Mars/Olympus names no zone in Go's time zone database",
    )
  })

  it('static adds the zone to the zones the plan lists; scratch and image bases warn', async () => {
    const svc = goService({ name: 'api', source: '.' }).runtimeEnv({ TZ: 'Asia/Tokyo' }).timezones(['Europe/Berlin'])
    const p = plan(svc.toSpec())
    const check = checkNeeds(deriveNeeds(BIN, { env: [...p.runtime.config.env], user: null, workdir: null }),
      needsImage(p.runtime, null), LAX)
    expect(pick([...check.verdicts], 'local-zone')!.status).toBe('added')
    const zones = applyNeedFiles(p.runtime, check.add).files.filter((f) => f.kind === 'zoneinfo')
    expect(zones).toEqual([{ kind: 'zoneinfo', path: '/usr/share/zoneinfo', zones: ['Asia/Tokyo', 'Europe/Berlin'] }])
    const scratch = plan(goService({ name: 'api', source: '.' }).runtime('scratch').runtimeEnv({ TZ: 'Asia/Tokyo' }).toSpec())
    const s = checkNeeds(deriveNeeds(BIN, { env: [...scratch.runtime.config.env], user: null, workdir: null }),
      needsImage(scratch.runtime, null), LAX)
    expect(pick([...s.verdicts], 'local-zone')!.status).toBe('unmet')
  })

  it('refuses at plan time a TZ that names no zone in Go\'s database, naming the value', async () => {
    const bad = goService({ name: 'api', source: '.' }).runtimeEnv({ TZ: 'asia/tokyo' })
    const err = await errorOf(Promise.resolve().then(() => plan(bad.toSpec())))
    expect(err.code).toBe('INVALID_SPEC')
    expect(err.message).toContain("runtimeEnv TZ='asia/tokyo' names no zone in Go's time zone database")
    expect(err.hint).toContain("did you mean 'Asia/Tokyo'")
    expect(() => plan(goService({ name: 'api', source: '.' }).runtimeEnv({ TZ: '/etc/localtime' }).toSpec())).not.toThrow()
  })

  it.skipIf(missing('go'))("lists the zones of the installed Go's zoneinfo.zip (scripts/go-zones.ts)", () => {
    const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim()
    const zip = join(goroot, 'lib', 'time', 'zoneinfo.zip')
    const names = [...zipEntries(readFileSync(zip), zip, () => true).keys()].filter((n) => !n.endsWith('/')).sort()
    expect([...GO_ZONES]).toEqual(names)
  })
})

describe('SSL_CERT_FILE, SSL_CERT_DIR and ZONEINFO', () => {
  it('must name what the image holds, whatever the binary calls', () => {
    const env = ['SSL_CERT_FILE=/certs/roots.pem', 'SSL_CERT_DIR=/etc/ssl/certs:/certs/more', 'ZONEINFO=/zones.zip']
    const v = pick(verdicts(image(env), { ...BIN, functions: ['main.main'] }), 'env-paths')!
    expect(v.status).toBe('unmet')
    expect(v.evidence).toEqual(env)
    expect(v.detail).toBe(
      'SSL_CERT_FILE: /certs/roots.pem is not; SSL_CERT_DIR: /certs/more is not; ZONEINFO: /zones.zip is not in the image',
    )
    expect(pick(verdicts(image(['SSL_CERT_DIR=/etc/ssl/certs'])), 'env-paths')!.status).toBe('met')
  })

  it('static writes the CA bundle and the zone database at the paths', () => {
    const svc = goService({ name: 'api', source: '.' })
      .runtimeEnv({ SSL_CERT_FILE: '/certs/roots.pem', SSL_CERT_DIR: '/certs/dir', ZONEINFO: '/zones' })
    const p = plan(svc.toSpec())
    const img = needsImage(p.runtime, null)
    const check = checkNeeds(deriveNeeds(BIN, { env: img.env, user: img.user, workdir: null }), img, LAX)
    expect(pick([...check.verdicts], 'env-paths')!.status).toBe('added')
    expect(check.add.map((f) => `${f.kind} ${f.path}`)).toEqual([
      'ca-bundle /certs/dir/ca-certificates.crt', 'ca-bundle /certs/roots.pem', 'zoneinfo /zones',
    ])
  })
})

describe("the user's home", () => {
  it('must exist and be writable by the image user where the binary calls os.UserCacheDir', () => {
    expect(pick(verdicts(image([], '65534')), 'home')!.detail).toBe(
      "the home /nonexistent (from the user's /etc/passwd entry) is not a directory in the image",
    )
    expect(pick(verdicts(image([], '1000')), 'home')!.detail).toBe(
      "the home / (from the runtime's default, as the user has no /etc/passwd home) (mode 0755, owner 0:0) " +
        'is not writable by uid 1000',
    )
    expect(pick(verdicts(image(['HOME=/tmp'], '65534')), 'home')!.status).toBe('met')
    expect(pick(verdicts(image(['HOME=/root'], '65534')), 'home')!.detail).toBe(
      'the home /root (from HOME in the image env) (mode 0700, owner 0:0) is not writable by uid 65534',
    )
    expect(pick(verdicts(image([])), 'home')!.status).toBe('met')
  })

  it('static and scratch create a HOME the env names, owned by the user', () => {
    for (const base of ['static', 'scratch']) {
      const p = plan(goService({ name: 'api', source: '.' }).runtime(base).runtimeEnv({ HOME: '/data' }).toSpec())
      const img = needsImage(p.runtime, null)
      const check = checkNeeds(deriveNeeds(BIN, { env: img.env, user: img.user, workdir: null }), img, LAX)
      expect(pick([...check.verdicts], 'home')!.status).toBe('added')
      expect(check.add.filter((f) => f.kind === 'dir')).toEqual([
        { kind: 'dir', path: '/data', mode: 0o700, uid: 65532, gid: 65532 },
      ])
      // Without HOME set, the nonroot home gostatic writes meets it.
      const plain = plan(goService({ name: 'api', source: '.' }).runtime(base).toSpec())
      const pimg = needsImage(plain.runtime, null)
      const pv = checkNeeds(deriveNeeds(BIN, { env: pimg.env, user: pimg.user, workdir: null }), pimg, LAX)
      expect(pick([...pv.verdicts], 'home')!.status).toBe('met')
    }
  })

  it('the image files a static plan lists hold every Go zone for zones: all', () => {
    const p = plan(goService({ name: 'api', source: '.' }).timezones('all').toSpec())
    expect(runtimeFileSet(p.runtime).entries.has('usr/share/zoneinfo/Asia/Tokyo')).toBe(true)
  })
})
