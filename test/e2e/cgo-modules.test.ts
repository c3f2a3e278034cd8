// Real third-party cgo modules with .cgo() and zig, as a user builds them:
//   - confluent-kafka-go v2: the plan adds -tags musl because go.mod requires it
//     (the known-modules table), so its bundled musl librdkafka is linked; a
//     produce and consume through librdkafka's mock cluster;
//   - DataDog/zstd: the module's own C sources, compiled for each target;
// each built static for linux/amd64 and linux/arm64, the amd64 image run in a
// real container and the arm64 binary under qemu-aarch64-static;
//   - gopacket/pcap: libpcap is the user's to provide; the error names it, the
//     static archive a musl link needs, and what is not allowed (a glibc-built
//     archive, as Debian's are: a real one built here with gcc -D_FORTIFY_SOURCE=2).
// Cold, each cgo build compiles C for two targets (minutes); the zig and Go
// caches are the default ones (~/.cache/gostatic/zig, ~/.cache/go-build),
// which a machine keeps between CI runs, so a warm run only links.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { goService, type BuildResult, type GostaticError } from '../../src/index.js'
import { readGoBuildInfo } from '../../src/inspect/go-buildinfo.js'
import { runTool } from '../../src/util/run-tool.js'
import { missing, missingZig, zigPath } from '../support/tools.js'
import { docker, missingDocker } from '../support/runtime.js'
import { runCli } from '../support/cli.js'
import { goModule, runImage, runUnderQemu } from '../support/cgo-fixtures.js'
import {
  GOPACKET, GOPACKET_MAIN, KAFKA, KAFKA_ANSWER, KAFKA_MAIN, ZSTD, ZSTD_ANSWER, ZSTD_MAIN,
} from '../support/cgo-module-fixtures.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-e2e-cgo-modules-'))
const images: string[] = []
afterAll(async () => {
  if (images.length > 0) await docker(['rmi', '-f', ...images])
  rmSync(tmp, { recursive: true, force: true })
})

const skip = missing('go') || missingZig()

const MODULES = [
  { name: 'kafka', dep: KAFKA, main: KAFKA_MAIN, answer: KAFKA_ANSWER, tags: 'musl,netgo,osusergo' },
  { name: 'zstd', dep: ZSTD, main: ZSTD_MAIN, answer: ZSTD_ANSWER, tags: 'netgo,osusergo' },
] as const

for (const m of MODULES) {
  describe.skipIf(skip)(`${m.dep.module} ${m.dep.version} with .cgo(), static for linux/amd64 and linux/arm64`, () => {
    let r: BuildResult
    beforeAll(async () => {
      const src = await goModule(join(tmp, m.name), `example.com/${m.name}`, { 'main.go': m.main }, [
        `${m.dep.module} ${m.dep.version}`,
      ])
      r = await goService({ name: `${m.name}-cgo`, source: src })
        .runtime('scratch')
        .cgo({ zig: zigPath()! })
        .platforms('linux/amd64', 'linux/arm64')
        .build({ engine: 'local' })
    }, 1_800_000)

    it('is static for both targets, with the tags the known-modules table gives it in the build info', () => {
      expect(r.report.targets.map((t) => [t.elf.machine, t.elf.isStatic, t.elf.needed])).toEqual([
        ['x86_64', true, []],
        ['aarch64', true, []],
      ])
      for (const img of r.images) expect(readGoBuildInfo(img.binary.bytes)!.settings['-tags']).toBe(m.tags)
      const known = r.plan.go.cgo!.moduleTags.map((t) => t.module)
      if (m.name === 'kafka') expect(known).toContain('github.com/confluentinc/confluent-kafka-go')
    })

    it.skipIf(missingDocker())('the amd64 image runs on scratch in a real container', async () => {
      const run = await runImage(r, join(tmp, `${m.name}.tar`), images)
      expect(run.exitCode, run.stderr).toBe(0)
      expect(run.stdout).toMatch(m.answer)
    })

    it.skipIf(missing('qemu-aarch64-static'))('the arm64 binary runs under qemu-aarch64-static', async () => {
      const run = await runUnderQemu(r, join(tmp, `${m.name}-arm64`))
      expect(run.exitCode, run.stderr).toBe(0)
      expect(run.stdout).toMatch(m.answer)
    })
  })
}

describe.skipIf(skip)(`${GOPACKET.module} ${GOPACKET.version}: pcap needs libpcap, which the user provides`, () => {
  it('through the CLI: the error names pcap.h, libpcap.a built for musl, what is not allowed, and pcapgo', async () => {
    const src = await goModule(join(tmp, 'pcap'), 'example.com/pcap', { 'main.go': GOPACKET_MAIN }, [
      `${GOPACKET.module} ${GOPACKET.version}`,
    ])
    const out = join(tmp, 'pcap-out')
    mkdirSync(out)
    const env = { ...process.env, PATH: `${dirname(zigPath()!)}:${process.env['PATH']}` }
    const cli = await runCli(['build', src, '--cgo=zig', '--runtime', 'scratch', '--out', join(out, 'pcap.tar')], { env })
    expect(cli.code).toBe(1)
    expect(cli.stderr).toContain('GO_BUILD_FAILED')
    expect(cli.stderr).toContain("fatal error: 'pcap.h' file not found")
    expect(cli.stderr).toContain(
      'github.com/google/gopacket/pcap includes <pcap.h>, which the C compiler did not find: a C library\'s headers ' +
        'that neither Go nor the C toolchain has. github.com/google/gopacket links libpcap (-lpcap): a static build ' +
        "needs libpcap's headers and libpcap.a built for musl (Alpine's libpcap-dev).",
    )
    expect(cli.stderr).toContain("Debian's (libpcap-dev, ...) are built for glibc and are not allowed into a static musl link")
    expect(cli.stderr).toContain('Or replace it: github.com/google/gopacket/pcapgo')
    expect(readdirSync(out)).toEqual([])
  }, 600_000)
})

const HELLO_MAIN = `package main

// #cgo LDFLAGS: -lhello
// void hello(int v);
import "C"

func main() { C.hello(42) }
`

describe.skipIf(skip || missing('gcc', 'ar'))('a static archive built for glibc, as a Debian -dev package has', () => {
  it('NOT_STATIC names the archive and the glibc-only calls, and asks for one built for musl', async () => {
    const src = await goModule(join(tmp, 'hello'), 'example.com/hello', { 'main.go': HELLO_MAIN })
    const lib = join(tmp, 'hello-lib')
    mkdirSync(lib)
    writeFileSync(join(lib, 'hello.c'), '#include <stdio.h>\nvoid hello(int v) { printf("C says %d\\n", v); }\n')
    // Debian builds its packages with -O2 -D_FORTIFY_SOURCE=2: printf becomes glibc's __printf_chk.
    const cc = await runTool('gcc', ['-O2', '-D_FORTIFY_SOURCE=2', '-c', 'hello.c', '-o', 'hello.o'], { cwd: lib })
    expect(cc.exitCode, cc.stderr).toBe(0)
    expect((await runTool('ar', ['rcs', 'libhello.a', 'hello.o'], { cwd: lib })).exitCode).toBe(0)
    const err = await goService({ name: 'hello', source: src })
      .runtime('scratch')
      .cgo({ zig: zigPath()! })
      .env({ CGO_LDFLAGS: `-L${lib}` })
      .build({ engine: 'local' })
      .then(() => undefined, (e: unknown) => e as GostaticError)
    expect(err?.code).toBe('NOT_STATIC')
    expect(err?.message).toContain(
      `${join(lib, 'libhello.a')} calls __printf_chk: glibc's _FORTIFY_SOURCE functions, which musl does not have, ` +
        'so that archive was built for glibc and cannot go into a static musl binary; no image was written',
    )
    expect(err?.hint).toContain('give libhello.a built for musl instead')
  }, 600_000)
})
