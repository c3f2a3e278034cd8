// inspect() and `gostatic inspect` on real artifacts built here: images from
// the local engine (one platform, two platforms, UPX-packed), a gcc binary
// and a cgo Go binary. Each group skips (or fails under
// GOSTATIC_REQUIRE_TOOLS=1) when its tools are absent.
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { goService } from '../../src/index.js'
import type { BuildResult } from '../../src/index.js'
import { inspect, type BinaryReport, type ImageReport } from '../../src/index.js'
import { asCli } from '../support/cli-surface.js'
import { missing } from '../support/tools.js'

const exec = promisify(execFile)
const repo = fileURLToPath(new URL('../..', import.meta.url))
const helloSource = join(repo, 'examples/hello')
const hello = () => goService({ name: 'hello', source: helloSource }).strip()

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gostatic-inspect-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function image(path: string): Promise<ImageReport> {
  const r = await inspect(path)
  if (r.kind !== 'image') throw new Error(`expected an image report, got ${r.kind}`)
  return r
}

describe.skipIf(missing('go', 'strip'))('inspect an image built by the local engine', () => {
  let tar = ''
  let built: BuildResult
  beforeAll(async () => {
    built = await hello().build({ engine: 'local' })
    tar = join(dir, 'hello.tar')
    await built.exportTarball(tar)
  })

  it('reports both layers with sizes summing to the total, and the image config', async () => {
    const [p, ...rest] = (await image(tar)).platforms
    expect(rest).toEqual([])
    expect(p!.platform).toBe('linux/amd64')
    expect(p!.layers).toHaveLength(2)
    expect(p!.layers.map((l) => l.size)).toEqual(built.report.targets[0]!.layers.map((l) => l.size))
    expect(p!.totalSize).toBe(p!.layers[0]!.size + p!.layers[1]!.size)
    expect(p!.config).toMatchObject({ entrypoint: ['/usr/local/bin/hello'], user: '65532:65532', labels: { 'org.opencontainers.image.title': 'hello' } })
  })

  it('reads the entrypoint binary out of the image: static, stripped, built as planned', async () => {
    const p = (await image(tar)).platforms[0]!
    const goVersion = (await exec('go', ['env', 'GOVERSION'], { cwd: helloSource })).stdout.trim()
    expect(p.binary).toMatchObject({
      path: '/usr/local/bin/hello',
      size: built.report.targets[0]!.sizes.final,
      elf: { class: 64, machine: 'x86_64', static: true, interpreter: null, needed: [], stripped: true, upx: false },
      go: { goVersion, main: { path: 'example.com/hello' }, settings: { CGO_ENABLED: '0', '-trimpath': 'true' } },
      goMissing: null,
    })
    expect(p.verdicts).toEqual({
      entrypoint: 'ok',
      static: 'ok',
      cgo: 'CGO_ENABLED=0',
      trimpath: '-trimpath=true',
      stripped: 'yes',
      upx: 'not packed',
      recorded: {
        'dev.gostatic.verified': 'static x86_64, CGO_ENABLED=0 -trimpath=true GOOS=linux GOARCH=amd64',
        'dev.gostatic.strip': 'stripped',
        'dev.gostatic.upx': 'not requested',
        'dev.gostatic.needs': 'zoneinfo=added ca-roots=met users=met name-resolution=met service-names=added env-paths=met',
      },
    })
    expect(p.annotations).toEqual(p.verdicts.recorded)
    // What the build added, inspect finds in the image.
    expect(p.needs).toMatchObject({ status: 'checked', summary: '6/6 met' })
  })

  it.skipIf(missing('skopeo'))('reads the same image after skopeo rewrote it as an OCI archive and as a docker save tar', async () => {
    const ours = (await image(tar)).platforms[0]!
    for (const [format, dest] of [['oci', 'oci-archive'], ['docker', 'docker-archive']] as const) {
      const copy = join(dir, `hello-${format}.tar`)
      await exec('skopeo', ['copy', '-q', `oci-archive:${tar}`, `${dest}:${copy}:gostatic.local/hello:latest`])
      const r = await image(copy)
      expect(r.format).toBe(format)
      const p = r.platforms[0]!
      expect(p.layers).toHaveLength(2)
      expect(p.config).toEqual(ours.config)
      expect(p.binary).toEqual(ours.binary)
      expect({ ...p.verdicts, recorded: {} }).toEqual({ ...ours.verdicts, recorded: {} })
    }
  })

  it('prints the report as JSON from the CLI', async () => {
    const { stdout } = await exec('node', ['bin/gostatic.js', 'inspect', tar, '--json'], { cwd: repo })
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(await asCli(() => image(tar)))))
  })

  it('prints an aligned text report from the CLI, with sizes in human units and bytes', async () => {
    const { stdout } = await exec('node', ['bin/gostatic.js', 'inspect', tar], { cwd: repo })
    const total = (await image(tar)).platforms[0]!.totalSize
    expect(stdout).toMatch(/^image +.*hello\.tar\nformat +OCI image layout archive\nref +gostatic\.local\/hello:latest\n/)
    expect(stdout).toContain(`(${total.toLocaleString('en-US')} bytes)`)
    expect(stdout).toMatch(/\n {7}total +\d+\.\d MiB +\([\d,]+ bytes\)\n/)
    expect(stdout).toMatch(/\n {4}linking +static: no interpreter, no shared libraries\n/)
    expect(stdout).toMatch(/\n {4}main module +example\.com\/hello /)
    expect(stdout).toMatch(/\n {2}verdicts\n {4}entrypoint +ok: \/usr\/local\/bin\/hello\n {4}static +ok\n {4}cgo +CGO_ENABLED=0\n {4}trimpath +-trimpath=true\n {4}stripped +yes\n {4}upx +not packed\n/)
    expect(stdout).toMatch(/\n {4}dev\.gostatic\.verified +static x86_64, CGO_ENABLED=0 -trimpath=true GOOS=linux GOARCH=amd64\n/)
  })
})

describe.skipIf(missing('go', 'strip'))('inspect a two-platform image', () => {
  it('reports each platform with its own binary', async () => {
    const tar = join(dir, 'multi.tar')
    await (await hello().platforms('linux/amd64', 'linux/arm64').build({ engine: 'local' })).exportTarball(tar)
    const r = await image(tar)
    expect(r.platforms.map((p) => [p.platform, p.binary?.elf.machine, p.binary?.go?.settings['GOARCH'], p.verdicts.static])).toEqual([
      ['linux/amd64', 'x86_64', 'amd64', 'ok'],
      ['linux/arm64', 'aarch64', 'arm64', 'ok'],
    ])
  })
})

describe.skipIf(missing('go', 'strip', 'upx'))('inspect a UPX-packed image', () => {
  it('reports the binary packed and its build info hidden', async () => {
    const tar = join(dir, 'upx.tar')
    await (await hello().upx().build({ engine: 'local' })).exportTarball(tar)
    const p = (await image(tar)).platforms[0]!
    expect(p.binary).toMatchObject({ elf: { upx: true }, go: null, goMissing: 'hidden by UPX packing' })
    expect(p.verdicts).toMatchObject({ upx: 'packed', static: 'unknown', cgo: 'unknown', recorded: { 'dev.gostatic.upx': 'packed' } })
    const { stdout } = await exec('node', ['bin/gostatic.js', 'inspect', tar], { cwd: repo })
    expect(stdout).toMatch(/\n {4}build info +hidden by UPX packing\n/)
    expect(stdout).toMatch(/\n {4}cgo +unknown \(build info hidden by UPX packing\)\n/)
  })
})

describe.skipIf(missing('gcc'))('inspect a dynamic C binary', () => {
  it('reports it dynamic with its interpreter and libc', async () => {
    const src = join(dir, 'hello.c')
    const bin = join(dir, 'hello-c')
    await writeFile(src, '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n')
    await exec('gcc', ['-o', bin, src])
    const r = (await inspect(bin)) as BinaryReport
    expect(r.kind).toBe('binary')
    expect(r.binary.elf.static).toBe(false)
    expect(r.binary.elf.interpreter).toMatch(/^\/lib.*\/ld-linux.*\.so\.\d$/)
    expect(r.binary.elf.needed).toContain('libc.so.6')
    expect(r.binary.go).toBeNull()
    expect(r.verdicts.static).toBe(`dynamic: needs ${r.binary.elf.interpreter}, ${r.binary.elf.needed.join(', ')}`)
    // inspect reports and does not judge: a dynamic binary is still exit 0.
    const { stdout } = await exec('node', ['bin/gostatic.js', 'inspect', bin], { cwd: repo })
    expect(stdout).toMatch(/\n {2}linking +dynamic: interpreter \/.*; needs .*libc\.so\.6\n/)
    expect(stdout).toMatch(/\n {2}build info +none \(not a Go binary\)\n/)
  })
})

describe.skipIf(missing('go', 'gcc'))('inspect a cgo Go binary', () => {
  it('reports CGO_ENABLED=1 and dynamic linking', async () => {
    const mod = join(dir, 'cgo')
    await mkdir(mod)
    await writeFile(join(mod, 'go.mod'), 'module example.com/cgo\n\ngo 1.22\n')
    await writeFile(join(mod, 'main.go'), 'package main\n\nimport (\n\t"fmt"\n\t"net"\n)\n\nfunc main() { fmt.Println(net.ParseIP("127.0.0.1")) }\n')
    const env = { ...process.env, CGO_ENABLED: '1', GOFLAGS: '', GOWORK: 'off', GOTOOLCHAIN: 'local' }
    await exec('go', ['build', '-o', 'cgo-bin', '.'], { cwd: mod, env })
    const r = (await inspect(join(mod, 'cgo-bin'))) as BinaryReport
    expect(r.binary.go?.main.path).toBe('example.com/cgo')
    expect(r.verdicts.cgo).toBe('CGO_ENABLED=1')
    expect(r.verdicts.static).toMatch(/^dynamic: needs .*libc\.so\.6/)
    expect(r.verdicts.stripped).toBe('no: has .symtab and .debug_*')
  })
})
