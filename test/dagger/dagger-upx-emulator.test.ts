// The Dagger engine smoke-runs a packed binary for another architecture
// through the emulator the plan names, as the local engine does: the host's
// qemu-aarch64-static is mounted into the smoke run's container. Under it the
// packed arm64 binary dies with the smoke run's 640 variables (UPX's
// large-environment crash the platform rule warns of), so the build fails
// and keeps nothing; without the emulator wired in, it would pack unchecked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { goService, type GoService } from '../../src/index.js'
import { ToolError } from '../../src/errors.js'
import { SMOKE_ENV_SIZE } from '../../src/plan/upx-policy.js'
import { builderImage, missingDagger } from '../support/dagger.js'
import { missing } from '../support/tools.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-dagger-upx-emu-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const src = join(tmp, 'hello')
beforeAll(() => cpSync(resolve('examples/hello'), src, { recursive: true }))
const arm = (): GoService =>
  goService({ name: 'hello', source: src })
    .builderImage(builderImage())
    .platforms('linux/arm64')
    .upx({ policy: { allowArm64: true } })

describe.skipIf(missingDagger() || missing('qemu-aarch64-static'))("dagger engine: arm64 UPX smoke run under the plan's emulator", () => {
  it('catches the packed arm64 binary crashing under qemu-aarch64-static, and packs without a run with .smoke(false)', async () => {
    expect(arm().plan().targets[0]!.upx).toMatchObject({ kind: 'pack', emulator: 'qemu-aarch64-static' })
    const crash = await arm()
      .build({ engine: 'dagger', reporter: 'silent' })
      .then(() => undefined, (e: unknown) => e)
    expect(crash).toBeInstanceOf(ToolError)
    expect((crash as ToolError).code).toBe('UPX_FAILED')
    expect((crash as ToolError).message).toBe(
      `the UPX-packed hello (linux/arm64) fails its smoke run (--version) with ${SMOKE_ENV_SIZE} environment variables: killed by SIGSEGV; the unpacked binary was not replaced`,
    )
    const r = await arm().smoke(false).build({ engine: 'dagger', reporter: 'silent' })
    expect(r.report.targets[0]).toMatchObject({ upx: 'packed', elf: { machine: 'aarch64', upx: true } })
  }, 300_000)
})
