// A pinned CA bundle is the same bytes from every backend: the local engine,
// the Dagger engine and a real `docker build` of the rendered Dockerfile.
// Also: the Dagger engine stamps a clean git checkout's commit time, as the
// local engine does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createHash, randomBytes } from 'node:crypto'
import { goService, type GoService } from '../../src/index.js'
import { readOciArchive } from '../../src/oci/oci-reader.js'
import { builderImage, missingDagger } from '../support/dagger.js'
import { missing } from '../support/tools.js'
import { docker, dockerEnv, dockerOk, exec, execOk, missingDocker } from '../support/runtime.js'
import { imageFiles, type ImageFile } from '../support/image-files.js'
import { helloWithPinnedCa, PINNED_PEM } from '../support/pinned-ca.js'

const skip = missingDagger() || missingDocker() || missing('go', 'git')
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-dagger-ca-'))
const tag = `gostatic-test/hello-pinned-ca-${randomBytes(4).toString('hex')}:1`
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true })
  if (!skip) await docker(['rmi', '-f', tag])
})

const CA = '/etc/ssl/certs/ca-certificates.crt'
const pem = PINNED_PEM
const src = join(tmp, 'hello')
beforeAll(() => void helloWithPinnedCa(src))
const pinned = (): GoService => goService({ name: 'hello', source: src }).builderImage(builderImage()).caCertificates({ file: 'certs/ca.pem' }).include('*.go')

describe.skipIf(skip)('pinned CA bundle', () => {
  let local: Map<string, ImageFile>
  beforeAll(async () => {
    local = await imageFiles((await (await pinned().build({ engine: 'local' })).exportTarball(join(tmp, 'local.tar'))).path)
  })

  it('is the file, byte for byte, in the local and the Dagger image', async () => {
    const dagger = await imageFiles((await (await pinned().build({ engine: 'dagger' })).exportTarball(join(tmp, 'dagger.tar'))).path)
    const want = { type: 'file', mode: '644', uid: 0, gid: 0, sha256: createHash('sha256').update(pem).digest('hex') }
    expect(local.get(CA)).toEqual(want)
    expect(dagger.get(CA)).toEqual(want)
  })

  it('is the same bytes in the image a real docker build of the rendered Dockerfile makes', async () => {
    writeFileSync(join(src, 'Dockerfile'), pinned().dockerfile())
    // include('*.go') leaves certs/ out of the context unless the .dockerignore keeps the pinned file.
    writeFileSync(join(src, '.dockerignore'), pinned().dockerignore())
    const args = ['build', '-f', join(src, 'Dockerfile'), '--build-arg', `GO_IMAGE=${builderImage()}`, '-t', tag, src]
    // Debian's docker.io CLI, whose classic BuildKit path needs no buildx plugin (as in dagger-engine.test.ts).
    const b = await exec('/usr/bin/docker', args, { env: { ...dockerEnv(), DOCKER_BUILDKIT: '1' }, timeoutMs: 600_000 })
    expect(b.exitCode, b.stderr).toBe(0)
    const saved = join(tmp, 'docker-save.tar')
    await dockerOk(['save', '-o', saved, tag], 300_000)
    expect((await imageFiles(saved)).get(CA)).toEqual(local.get(CA))
  })
})

describe.skipIf(skip)('dagger engine: image time', () => {
  it("stamps a clean git checkout's commit time into created, as the local engine does", async () => {
    const repo = join(tmp, 'repo')
    cpSync(resolve('examples/hello'), repo, { recursive: true })
    const git = (...args: string[]) =>
      execOk('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
        env: { ...process.env, GIT_COMMITTER_DATE: '2024-03-01T12:00:00Z' },
      })
    await git('init', '-q')
    await git('add', '-A')
    await git('commit', '-q', '-m', 'hello')
    const { SOURCE_DATE_EPOCH: _drop, ...env } = process.env
    const svc = goService({ name: 'hello', source: repo }).builderImage(builderImage())
    const created = async (engine: 'local' | 'dagger') =>
      (await readOciArchive((await (await svc.build({ engine, env })).exportTarball(join(tmp, `time-${engine}.tar`))).path)).images[0]!.config.created
    expect(await created('dagger')).toBe('2024-03-01T12:00:00Z')
    expect(await created('local')).toBe('2024-03-01T12:00:00Z')
  })
})
