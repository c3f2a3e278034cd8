// Proves the runtime the e2e tests rely on: images we make without a pull run
// under dockerd and runc, servers answer on loopback, the registry is there.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  REGISTRY, busyboxRootfsTar, docker, dockerLoad, dockerOk, execOk, freePort, importBusyboxImage,
  missingDocker, missingRegistry, missingRunc, runContainer, runcRunOciArchive, startContainer,
} from '../support/runtime.js'

const image = 'gostatic/busybox:smoke'

describe.skipIf(missingDocker())('docker runtime', () => {
  beforeAll(async () => {
    await importBusyboxImage(image)
  })

  it('runs an imported busybox image and returns its output and exit code', async () => {
    const r = await runContainer(image, { args: ['sh', '-c', 'echo "hello $WHO"; id -u; echo oops >&2; exit 3'], env: { WHO: 'gostatic' }, user: '65532' })
    expect(r).toEqual({ exitCode: 3, stdout: 'hello gostatic\n65532\n', stderr: 'oops\n' })
  })

  it('reports a missing entrypoint as a failed start, not a throw', async () => {
    const r = await runContainer(image, { entrypoint: '/nope' })
    expect(r.exitCode).toBe(127)
    expect(r.stderr).toMatch(/no such file or directory/)
  })

  it('serves HTTP from a host-network container on 127.0.0.1', async () => {
    const port = await freePort()
    const srv = await startContainer(image, {
      args: ['sh', '-c', `mkdir -p /tmp/www && echo up > /tmp/www/index.html && exec httpd -f -v -p 127.0.0.1:${port} -h /tmp/www`],
    })
    try {
      const res = await srv.waitForHttp(`http://127.0.0.1:${port}/`, 15_000)
      expect(res.status).toBe(200)
      expect(await res.text()).toBe('up\n')
    } finally {
      await srv.stop()
    }
    await srv.stop() // idempotent
    expect((await docker(['ps', '-aq', '--filter', `name=${srv.name}`])).stdout).toBe('')
  })

  it('fails fast with the logs when a server exits instead of listening', async () => {
    const srv = await startContainer(image, { args: ['sh', '-c', 'echo cannot bind >&2; exit 7'] })
    try {
      await expect(srv.waitForHttp('http://127.0.0.1:9/', 30_000)).rejects.toThrow(/exit code 7[\s\S]*cannot bind/)
    } finally {
      await srv.stop()
    }
  })

  it('loads a docker archive and names the loaded tag', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gostatic-smoke-'))
    try {
      const tar = join(dir, 'saved.tar')
      await dockerOk(['tag', image, 'gostatic/busybox:reloaded'])
      await dockerOk(['save', '-o', tar, 'gostatic/busybox:reloaded'])
      await dockerOk(['rmi', 'gostatic/busybox:reloaded'])
      expect(await dockerLoad(tar)).toBe('gostatic/busybox:reloaded')
    } finally {
      await docker(['rmi', 'gostatic/busybox:reloaded'])
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe.skipIf(missingRunc())('runc runtime', () => {
  let root = ''
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'gostatic-smoke-runc-'))
  })
  afterAll(async () => rm(root, { recursive: true, force: true }))

  it('runs an OCI archive without a daemon, in the host network', async () => {
    const rootfs = await busyboxRootfsTar(root)
    // umoci builds the OCI image from the rootfs; skopeo turns it into an archive.
    const layout = join(root, 'layout')
    await execOk('umoci', ['init', '--layout', layout])
    await execOk('umoci', ['new', '--image', `${layout}:bb`])
    await execOk('umoci', ['raw', 'add-layer', '--image', `${layout}:bb`, rootfs])
    await execOk('umoci', ['config', '--image', `${layout}:bb`, '--config.entrypoint', '/bin/sh', '--config.cmd', '-c', '--config.cmd', 'echo default'])
    const archive = join(root, 'bb.tar')
    await execOk('skopeo', ['copy', '-q', `oci:${layout}:bb`, `oci-archive:${archive}`])

    expect(await runcRunOciArchive(archive)).toEqual({ exitCode: 0, stdout: 'default\n', stderr: '' })
    // runc sets up no network: only in the host's network does the container see an interface named eth0
    // (anchored: other interfaces' names may contain 'eth0').
    const r = await runcRunOciArchive(archive, { args: ['-c', "id -u; grep -c '^ *eth0:' /proc/net/dev; exit 4"], user: '65532' })
    expect(r).toEqual({ exitCode: 4, stdout: '65532\n1\n', stderr: '' })
  })
})

const noRegistry = await missingRegistry()
describe.skipIf(noRegistry)('registry', () => {
  it(`answers the distribution API on ${REGISTRY}`, async () => {
    const res = await fetch(`http://${REGISTRY}/v2/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0')
  })

  it.skipIf(missingDocker())('accepts a push from the daemon over plain HTTP on loopback', async () => {
    const ref = `${REGISTRY}/gostatic-smoke/busybox:smoke`
    await importBusyboxImage(ref)
    try {
      await dockerOk(['push', ref])
      const tags = await (await fetch(`http://${REGISTRY}/v2/gostatic-smoke/busybox/tags/list`)).json()
      expect(tags).toMatchObject({ tags: expect.arrayContaining(['smoke']) })
    } finally {
      await docker(['rmi', ref])
    }
  })
})
