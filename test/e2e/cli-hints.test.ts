// A message says what to do in the interface the user is in (src/hints.ts): the
// real `gostatic` command names its flags, the API names builder calls, for the
// same mistakes. Nothing here needs more than Go and Node.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { doctor, goService, isGostaticError } from '../../src/index.js'
import { runCli } from '../support/cli.js'

let tmp: string
let mod: string

const MAIN = `package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	loc, err := time.LoadLocation(os.Getenv("ZONE"))
	fmt.Println(loc, err)
}
`

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'gostatic-hints-'))
  mod = join(tmp, 'zones')
  await mkdir(mod)
  await writeFile(join(mod, 'go.mod'), 'module example.com/zones\n\ngo 1.22\n')
  await writeFile(join(mod, 'main.go'), MAIN)
})
afterAll(() => rm(tmp, { recursive: true, force: true }))

/** The error a thunk throws, as a GostaticError's message and hint. */
async function caught(f: () => unknown): Promise<string> {
  try {
    await f()
  } catch (e) {
    if (isGostaticError(e)) return `${e.message}\nhint: ${e.hint ?? ''}`
    throw e
  }
  throw new Error('no error')
}

// Without a Dagger session or engine, whatever the test machine has configured.
const noDagger = () => {
  const env = { ...process.env }
  for (const k of ['_EXPERIMENTAL_DAGGER_RUNNER_HOST', 'DAGGER_SESSION_PORT', 'DAGGER_SESSION_TOKEN']) delete env[k]
  return env
}

describe('hints in the form of the interface', () => {
  it('UPX on arm64 only: the CLI says --upx and where the policy is set; the API says upx({ policy })', async () => {
    const r = await runCli(['plan', mod, '--upx', '--platform', 'linux/arm64'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('--upx cannot pack any target platform')
    expect(r.stderr).toContain('set upx({ policy: { allowArm64: true } }) in a gostatic.config.ts')
    expect(r.stderr).not.toContain('pass upx(')
    const api = await caught(() => goService({ name: 'zones', source: mod }).upx().platforms('linux/arm64').plan())
    expect(api).toContain('upx() cannot pack any target platform')
    expect(api).toContain('pass upx({ policy: { allowArm64: true } }) to accept that risk')
    expect(api).not.toContain('--upx')
  })

  it('musl-gcc for two platforms: --cgo zig on the CLI, .cgo({ toolchain }) in the API', async () => {
    const r = await runCli(['plan', mod, '--cgo', 'musl-gcc', '--platform', 'linux/amd64,linux/arm64'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('use --cgo zig to cross-compile')
    expect(r.stderr).not.toContain('.cgo(')
    const svc = goService({ name: 'zones', source: mod }).cgo({ toolchain: 'musl-gcc' })
    const api = await caught(() => svc.platforms('linux/amd64', 'linux/arm64').plan())
    expect(api).toContain(".cgo({ toolchain: 'zig' }) to cross-compile")
    expect(api).not.toContain('--cgo')
  })

  it('no Dagger engine: --engine local on the CLI, engine local in the API; no repository script named', async () => {
    const r = await runCli(['build', mod, '--engine', 'dagger', '--out', join(tmp, 'x.tar')], { env: noDagger() })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('ENGINE_UNAVAILABLE')
    expect(r.stderr).toContain('or use --engine local')
    expect(r.stderr).not.toContain('scripts/')
    const api = await caught(() =>
      goService({ name: 'zones', source: mod }).build({ engine: 'dagger', env: noDagger() }),
    )
    expect(api).toContain("or use engine 'local'")
    expect(api).not.toContain('--engine')
  })

  it("a zone from a variable: doctor says --timezones all on the CLI, .timezones('all') in the API", async () => {
    const r = await runCli(['doctor', mod])
    expect(r.stdout).toContain('--timezones all (a zone name comes from a variable)')
    expect(r.stdout).not.toContain('.timezones(')
    const report = await doctor(mod)
    const tz = report.findings.find((f) => f.kind === 'changes-meaning' && f.topic === 'time.LoadLocation')
    expect(tz).toMatchObject({ youChoose: ".timezones('all') (a zone name comes from a variable)" })
  }, 300_000)
})
