// Smoke test of the real Dagger engine that scripts/dagger-engine.sh builds
// from Dagger's Go module and starts in its own network namespace, driven
// through @dagger.io/dagger exactly as the dagger executor drives it.
//
// No container registry is reachable here, so images come from the local
// registry (scripts/services.sh) through the engine's docker.io mirror:
// `golang:1.26-alpine` there is scripts/builder-image.sh's Debian-based Go
// builder, which STANDS IN for the official golang:1.26-alpine (that image
// cannot be pulled here; the stand-in is Debian, not Alpine, and has no apk).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connection, dag } from '@dagger.io/dagger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readElf } from '../../src/inspect/elf-reader.js'
import { readOciArchive } from '../../src/oci/oci-reader.js'

const GO_MINOR = '1.26'
const REGISTRY = process.env.GOSTATIC_REGISTRY ?? '127.0.0.1:5000'
const BUILDER = `${REGISTRY}/gostatic/go-builder:${GO_MINOR}`
/** Resolved by the engine's docker.io mirror to the stand-in above. */
const GOLANG_ALPINE = `golang:${GO_MINOR}-alpine`

// The same defaults `scripts/dagger-engine.sh env` prints; the environment wins.
const ENGINE_ENV: Record<string, string> = {
  _EXPERIMENTAL_DAGGER_CLI_BIN: '/var/cache/gostatic/dagger-v0.21.8/bin/dagger',
  _EXPERIMENTAL_DAGGER_RUNNER_HOST: 'unix:///run/dagger/engine.sock',
  DAGGER_NO_UPDATE_CHECK: '1',
  DO_NOT_TRACK: '1',
}
for (const [k, v] of Object.entries(ENGINE_ENV)) process.env[k] ??= v

/**
 * `missing` semantics for the engine: a skip reason, or false when the engine
 * socket, the CLI and the builder image are there. Throws instead of
 * skipping under GOSTATIC_REQUIRE_TOOLS=1.
 */
function missingEngine(): string | false {
  const host = process.env._EXPERIMENTAL_DAGGER_RUNNER_HOST!
  const cli = process.env._EXPERIMENTAL_DAGGER_CLI_BIN!
  let why: string | undefined
  if (!host.startsWith('unix://') || !existsSync(host.slice('unix://'.length))) why = `no Dagger engine socket at ${host}`
  else if (!existsSync(cli)) why = `no Dagger CLI at ${cli}`
  else {
    const r = spawnSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${BUILDER}`], { encoding: 'utf8', timeout: 15_000 })
    if (r.status !== 0) why = `no builder image ${BUILDER} (${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`
  }
  if (why === undefined) return false
  const hint = 'run scripts/builder-image.sh and scripts/dagger-engine.sh up'
  if (process.env.GOSTATIC_REQUIRE_TOOLS === '1') throw new Error(`${why} (GOSTATIC_REQUIRE_TOOLS=1 requires it; ${hint})`)
  console.warn(`skipping: ${why}; ${hint}`)
  return why
}

// The engine caches every step across runs; a per-run value keeps the execs
// real (runc must start containers every time), while the Go build cache
// volume keeps the rebuild fast.
const RUN_ID = `${process.pid}-${Date.now()}`

const HELLO = `package main

import (
	"fmt"
	"runtime"
)

func main() { fmt.Println("hello from", runtime.Version()) }
`

describe.skipIf(missingEngine())('a real Dagger engine (scripts/dagger-engine.sh)', () => {
  let dir: string
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'gostatic-dagger-smoke-')) })
  afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

  it('pulls golang:1.26-alpine through the docker.io mirror (the Debian stand-in) and runs go version', async () => {
    let out = ''
    await connection(async () => {
      out = await dag.container().from(GOLANG_ALPINE).withEnvVariable('GOSTATIC_SMOKE_RUN', RUN_ID)
        .withExec(['sh', '-c', 'echo "$GOSTATIC_SMOKE_RUN"; go version']).stdout()
    })
    const [ran, version] = out.trim().split('\n')
    expect(ran).toBe(RUN_ID)
    expect(version).toMatch(new RegExp(`^go version go${GO_MINOR.replace('.', '\\.')}(\\.\\d+)? linux/`))
  })

  it('builds a static Go program in the builder image with a Go build cache volume', async () => {
    const bin = join(dir, 'hello')
    let ran = ''
    await connection(async () => {
      const built = dag.container().from(BUILDER)
        .withMountedCache('/root/.cache/go-build', dag.cacheVolume(`gostatic-smoke-go-build-${GO_MINOR}`))
        .withNewFile('/src/go.mod', `module example.com/hello\n\ngo ${GO_MINOR}\n`)
        .withNewFile('/src/main.go', HELLO)
        .withWorkdir('/src')
        .withEnvVariable('CGO_ENABLED', '0')
        .withEnvVariable('GOSTATIC_SMOKE_RUN', RUN_ID)
        .withExec(['go', 'build', '-trimpath', '-ldflags=-s -w', '-o', '/out/hello', '.'])
      ran = await built.withExec(['sh', '-c', 'echo "$GOSTATIC_SMOKE_RUN"; /out/hello']).stdout()
      await built.file('/out/hello').export(bin)
    })
    expect(ran.trim().split('\n')).toEqual([RUN_ID, expect.stringMatching(/^hello from go1\.26/)])
    const elf = readElf(await readFile(bin))
    expect({ static: elf.isStatic, interpreter: elf.interpreter, needed: elf.needed }).toEqual({ static: true, interpreter: null, needed: [] })
  })

  it('exports a container to an OCI tarball that gostatic reads back', async () => {
    const tarball = join(dir, 'alpine-standin.tar')
    let exported = ''
    await connection(async () => {
      // library/alpine:3.20 is scripts/builder-image.sh's busybox-static stand-in.
      const ctr = dag.container().from(`${REGISTRY}/library/alpine:3.20`)
        .withEnvVariable('GOSTATIC_SMOKE_RUN', RUN_ID)
        .withExec(['sh', '-c', 'test -s /etc/ssl/certs/ca-certificates.crt && grep -q "^nobody:" /etc/passwd && echo ok > /etc/gostatic-smoke'])
        .withoutEnvVariable('GOSTATIC_SMOKE_RUN')
        .withEntrypoint(['/bin/sh'])
      exported = await ctr.export(tarball)
    })
    expect(exported).toBe(tarball)
    expect((await stat(tarball)).size).toBeGreaterThan(0)
    const archive = await readOciArchive(tarball)
    expect(archive.format).toBe('oci')
    expect(archive.images).toHaveLength(1)
    expect(archive.images[0]!.config.config?.Entrypoint).toEqual(['/bin/sh'])
    expect(archive.images[0]!.layers.length).toBeGreaterThanOrEqual(2)
  })
})
