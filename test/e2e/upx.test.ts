// The UPX guard rails with the real upx: what is packed is tested and smoke-run
// under a large environment, what fails keeps the unpacked binary, UPX's own
// "can't" exceptions warn unless packing is required, and the report carries
// the sizes and the measured start-up cost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { goService, ToolError, type BuildResult, type UpxPlan } from '../../src/index.js'
import { upxPack } from '../../src/engines/local/upx-pack.js'
import { SMOKE_ENV_SIZE } from '../../src/plan/upx-policy.js'
import { readElf } from '../../src/inspect/elf-reader.js'
import { runTool } from '../../src/util/run-tool.js'
import { missing } from '../support/tools.js'
import { docker, dockerLoad, missingDocker, runContainer } from '../support/runtime.js'

const skip = missing('go', 'upx') || missingDocker()
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-e2e-upx-'))
const src = join(tmp, 'envprobe')
const images: string[] = []

// --crash-on-large-env stands in for UPX's arm64 large-environment segfault,
// which an amd64 host cannot reproduce: it dies only when the environment is
// as large as the one the smoke run uses.
const ENVPROBE = `package main

import (
	"fmt"
	"os"
)

var version = "dev"

func main() {
	n := len(os.Environ())
	switch os.Args[1] {
	case "--version":
		fmt.Println("envprobe", version)
	case "--crash-on-large-env":
		if n >= 600 {
			panic(fmt.Sprintf("simulated large-environment crash with %d variables", n))
		}
		fmt.Println("ok with", n, "variables")
	}
}
`

const svc = () => goService({ name: 'upx-envprobe', source: src }).ldflags({ X: { 'main.version': '1.0.0' } })
const packPlan = (over: Partial<Extract<UpxPlan, { kind: 'pack' }>> = {}): Extract<UpxPlan, { kind: 'pack' }> =>
  ({ kind: 'pack', args: ['-9', '--no-progress', '-q'], testArgs: ['-t', '-q'], required: false, smoke: ['--version'], smokeEnvSize: SMOKE_ENV_SIZE, emulator: null, ...over })

afterAll(async () => {
  if (images.length && !skip) await docker(['rmi', '-f', ...images])
  rmSync(tmp, { recursive: true, force: true })
})

describe.skipIf(skip)('UPX guard rails', () => {
  let unpacked: string
  beforeAll(async () => {
    mkdirSync(src)
    writeFileSync(join(src, 'go.mod'), 'module example.com/envprobe\n\ngo 1.22\n')
    writeFileSync(join(src, 'main.go'), ENVPROBE)
    unpacked = join(tmp, 'envprobe-unpacked')
    await (await svc().build({ engine: 'local' })).exportBinary(unpacked)
  })

  it('packs linux/amd64, passes upx -t and the smoke run, and reports sizes and start-up cost; the image runs', async () => {
    const r: BuildResult = await svc().upx().build({ engine: 'local' })
    const t = r.report.targets[0]!
    expect(t.upx).toBe('packed')
    expect(t.sizes.packed).toBe(t.sizes.final)
    expect(t.sizes.packed!).toBeLessThan(t.sizes.built)
    // Measured, not asserted against a budget: seven runs of each, median wall time.
    expect(t.upxStartup).toMatchObject({ runs: 7, unpackedMs: expect.any(Number), packedMs: expect.any(Number) })
    expect(t.upxStartup!.unpackedMs).toBeGreaterThan(0)
    expect(t.upxStartup!.packedMs).toBeGreaterThan(0)
    expect(r.images[0]!.annotations['dev.gostatic.upx']).toBe('packed')
    // The report's ELF facts are the unpacked binary's, plus the packed size and the UPX mark.
    expect(t.elf).toMatchObject({ isStatic: true, upx: true, size: t.sizes.packed })
    const tar = (await r.exportTarball(join(tmp, 'packed.tar'), { tag: `gostatic.local/upx-envprobe:${process.pid}` })).path
    const image = await dockerLoad(tar)
    images.push(image)
    expect(await runContainer(image, { args: ['--version'] })).toMatchObject({ exitCode: 0, stdout: 'envprobe 1.0.0\n' })
  })

  it(`smoke-runs with ${SMOKE_ENV_SIZE} environment variables: a crash there fails the build with the output and keeps the unpacked binary`, async () => {
    // The same binary is fine with a normal environment.
    expect((await runTool(unpacked, ['--crash-on-large-env'])).stdout).toMatch(/^ok with \d+ variables\n$/)
    const err = await svc().upx().smoke(['--crash-on-large-env']).build({ engine: 'local' }).then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(ToolError)
    const e = err as ToolError
    expect(e.code).toBe('UPX_FAILED')
    expect(e.message).toBe(`the UPX-packed upx-envprobe (linux/amd64) fails its smoke run (--crash-on-large-env) with ${SMOKE_ENV_SIZE} environment variables; the unpacked binary was not replaced`)
    // PATH, the smoke variables, and the "   =/path/to/exe" entry UPX's stub adds for itself.
    const seen = Number(/panic: simulated large-environment crash with (\d+) variables/.exec(e.stderr)?.[1])
    expect(seen).toBeGreaterThan(SMOKE_ENV_SIZE)

    const copy = join(tmp, 'smoke-copy')
    copyFileSync(unpacked, copy)
    await expect(upxPack(copy, packPlan({ smoke: ['--crash-on-large-env'] }), 'copy', [])).rejects.toThrow(/fails its smoke run/)
    expect(readFileSync(copy).equals(readFileSync(unpacked))).toBe(true)
    expect(existsSync(`${copy}.upx`)).toBe(false)
  })

  it("keeps the unpacked binary and warns on UPX's own can't exceptions, unless upx({ required: true })", async () => {
    const already = join(tmp, 'already-packed')
    const packed = await runTool('upx', ['-q', '-o', already, unpacked])
    expect(packed.exitCode, packed.stderr).toBe(0)
    const before = readFileSync(already)

    const kept = await upxPack(already, packPlan(), 'already-packed', [])
    expect(kept).toEqual({ kind: 'kept-unpacked', reason: "upx can't pack already-packed: AlreadyPackedException" })
    expect(readFileSync(already).equals(before)).toBe(true)

    const required = await upxPack(already, packPlan({ required: true }), 'already-packed', []).then(() => undefined, (e: unknown) => e)
    expect(required).toBeInstanceOf(ToolError)
    expect((required as ToolError).code).toBe('UPX_FAILED')
    expect((required as ToolError).message).toBe('upx failed on already-packed (AlreadyPackedException; upx({ required: true }) makes this fatal)')
    expect(readFileSync(already).equals(before)).toBe(true)

    // A PIE binary is another real "can't": UPX refuses its dynamic section.
    const pie = join(tmp, 'pie')
    const b = await runTool('go', ['build', '-buildmode=pie', '-o', pie, '.'], { cwd: src, env: { ...process.env, CGO_ENABLED: '0' } })
    expect(b.exitCode, b.stderr).toBe(0)
    const pieOutcome = await upxPack(pie, packPlan(), 'pie', [])
    expect(pieOutcome).toMatchObject({ kind: 'kept-unpacked', reason: expect.stringContaining("upx can't pack pie: CantPackException") })
  })

  it("packs linux/arm64 only with allowArm64, and smoke-runs it under the plan's emulator: UPX's large-environment crash is caught", async () => {
    expect(svc().platforms('linux/amd64', 'linux/arm64').upx().plan().targets[1]!.upx).toMatchObject({ kind: 'refused', rule: 'platform' })
    const arm = svc().platforms('linux/arm64').upx({ policy: { allowArm64: true } })
    expect(arm.plan().targets[0]!.upx).toMatchObject({ kind: 'pack', emulator: 'qemu-aarch64-static' })
    // .smoke(false) packs without a run, as before there was an emulator.
    const r = await arm.smoke(false).build({ engine: 'local' })
    expect(r.report.targets[0]).toMatchObject({ upx: 'packed', upxStartup: null, elf: { machine: 'aarch64', upx: true } })
    expect(readElf(r.images[0]!.binary.bytes).upx).toBe(true)
    if (missing('qemu-aarch64-static')) return
    // Under qemu-aarch64-static the packed arm64 binary dies with the smoke run's 640 variables (the crash the
    // platform rule warns of), so the build fails and keeps the unpacked binary...
    const crash = await arm.build({ engine: 'local' }).then(() => undefined, (e: unknown) => e as ToolError)
    expect(crash?.code).toBe('UPX_FAILED')
    expect(crash?.message).toBe(
      `the UPX-packed upx-envprobe (linux/arm64) fails its smoke run (--version) with ${SMOKE_ENV_SIZE} environment variables: killed by SIGSEGV; the unpacked binary was not replaced`,
    )
    // ...while with a small environment the same packed binary runs, and its start-up is measured under qemu.
    const copy = join(tmp, 'arm-copy')
    await (await svc().platforms('linux/arm64').build({ engine: 'local' })).exportBinary(copy)
    const qemu = (await runTool('sh', ['-c', 'command -v qemu-aarch64-static'])).stdout.trim()
    const small = await upxPack(copy, packPlan({ smokeEnvSize: 10 }), 'arm copy', [qemu])
    expect(small).toMatchObject({ kind: 'packed', startup: { runs: 7, unpackedMs: expect.any(Number), packedMs: expect.any(Number) } })
  })

  it('runs no smoke run for a platform the host cannot execute and whose emulator is absent', async () => {
    const copy = join(tmp, 'arm-no-emulator')
    const r = await svc().platforms('linux/arm64').build({ engine: 'local' })
    await r.exportBinary(copy)
    // A runner of null is what the engine passes when neither the host nor an emulator can run the binary.
    const out = await upxPack(copy, packPlan({ smoke: ['--crash-on-large-env'] }), 'arm copy', null)
    expect(out).toMatchObject({ kind: 'packed', startup: null })
  })

  it('refuses production without a reason, and records the reason in the image labels when given', async () => {
    const refused = await svc().environment('production').upx().build({ engine: 'local' })
    expect(refused.report.targets[0]!.upx).toBe('refused')
    expect(refused.images[0]!.annotations['dev.gostatic.upx']).toBe('refused (environment)')
    expect(refused.report.warnings.join('\n')).toContain('upx skipped for linux/amd64 (environment rule): packed binaries are flagged by EDR tools in production')

    const allowed = await svc().environment('production').upx({ policy: { allowProduction: { reason: 'cold starts on a 10 MB/s link' } } }).build({ engine: 'local' })
    expect(allowed.report.targets[0]!.upx).toBe('packed')
    expect(allowed.images[0]!.config.Labels).toMatchObject({ 'dev.gostatic.upx.production-reason': 'cold starts on a 10 MB/s link' })
  })
})
