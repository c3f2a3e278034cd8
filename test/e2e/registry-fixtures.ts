// Fixtures for the registry e2e tests: a busybox-static base image written
// with our own layer and OCI writers (no pull from anywhere), pushed to the
// loopback registries with skopeo; a tiny Go probe that prints what a
// container sees; unique repository names so runs never collide.
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { buildLayer, type LayerEntry } from '../../src/oci/layer.js'
import { writeOciArchive, type OciImageInput } from '../../src/oci/oci-writer.js'
import { goService, type GoService } from '../../src/index.js'
import { execOk } from '../support/runtime.js'

export const AUTH_REGISTRY = process.env.GOSTATIC_AUTH_REGISTRY ?? '127.0.0.1:5001'
export const AUTH_USER = process.env.GOSTATIC_AUTH_REGISTRY_USER ?? 'gostatic'
export const AUTH_PASSWORD = process.env.GOSTATIC_AUTH_REGISTRY_PASSWORD ?? 'gostatic-test-password'

/** The base's config: what a build on it must keep unless the spec overrides it. */
export const BASE_ENV = ['PATH=/bin', 'BASE_ONLY=from-base', 'SHARED=base']
export const BASE_USER = '4242:4242'

export function uniqueRepo(what: string): string {
  return `test/${what}-${process.pid}-${randomBytes(3).toString('hex')}`
}

const APPLETS = ['sh', 'id', 'env', 'cat', 'ls', 'echo']

/**
 * linux/amd64 is busybox-static with a few applets; with `arm64`, the index
 * also lists a linux/arm64 image of /etc files only (nothing runs it: it is
 * there so platform selection has a choice to make).
 */
export async function writeBaseArchive(dir: string, opts: { arm64?: boolean } = {}): Promise<string> {
  const etc: LayerEntry[] = [
    { path: '/etc/passwd', type: 'file', mode: 0o644, content: Buffer.from('root:x:0:0:root:/root:/bin/sh\nprobe:x:4242:4242:probe:/tmp:/bin/sh\n') },
    { path: '/etc/group', type: 'file', mode: 0o644, content: Buffer.from('root:x:0:\nprobe:x:4242:\n') },
    { path: '/tmp', type: 'dir', mode: 0o1777 },
  ]
  const bin: LayerEntry[] = [
    { path: '/bin/busybox', type: 'file', mode: 0o755, sourcePath: '/bin/busybox' },
    ...APPLETS.map((a): LayerEntry => ({ path: `/bin/${a}`, type: 'symlink', mode: 0o777, linkTarget: 'busybox' })),
  ]
  const config = { Env: [...BASE_ENV], User: BASE_USER, Cmd: ['/bin/sh'], Labels: { 'test.base': 'busybox' }, ExposedPorts: { '9999/tcp': {} } }
  const images: OciImageInput[] = [{ platform: { os: 'linux', architecture: 'amd64' }, layers: [await buildLayer(etc), await buildLayer(bin)], config, history: ['etc files', 'busybox'] }]
  if (opts.arm64) images.push({ platform: { os: 'linux', architecture: 'arm64' }, layers: [await buildLayer(etc)], config, history: ['etc files'] })
  const path = join(dir, `base-${opts.arm64 ? 'multi' : 'amd64'}.tar`)
  await writeOciArchive(path, images, { refName: 'base' })
  return path
}

/** skopeo copy of an OCI archive to `ref` over plain HTTP (loopback). */
export async function pushWithSkopeo(archive: string, ref: string, creds?: string): Promise<void> {
  await execOk('skopeo', ['copy', '-q', '--all', '--dest-tls-verify=false', ...(creds ? ['--dest-creds', creds] : []), `oci-archive:${archive}`, `docker://${ref}`])
}

/** skopeo refuses name:tag@digest (docker and Kubernetes take it): keep the digest. */
export function byDigest(ref: string): string {
  return ref.replace(/:[\w][\w.-]*@/, '@')
}

/** The raw manifest or index at `ref`, as skopeo sees it. */
export async function skopeoRaw(ref: string, creds?: string): Promise<{ mediaType?: string; manifests?: { platform: { os: string; architecture: string } }[] }> {
  return JSON.parse(await execOk('skopeo', ['inspect', '--raw', '--tls-verify=false', ...(creds ? ['--creds', creds] : []), `docker://${byDigest(ref)}`]))
}

/** A Go program that prints its uid/gid and the env the tests care about. */
export async function probeService(dir: string): Promise<GoService> {
  const src = join(dir, 'probe')
  await mkdir(src, { recursive: true })
  await writeFile(join(src, 'go.mod'), 'module example.com/probe\n\ngo 1.21\n')
  await writeFile(
    join(src, 'main.go'),
    `package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Printf("uid=%d gid=%d\\n", os.Getuid(), os.Getgid())
	for _, k := range []string{"PATH", "BASE_ONLY", "SHARED", "APP_ONLY"} {
		fmt.Printf("%s=%s\\n", k, os.Getenv(k))
	}
}
`,
  )
  return goService({ name: 'probe', source: src })
}

/** The htpasswd registry of scripts/services.sh: a skip reason, or false when it answers 401 to no credentials. */
export async function missingAuthRegistry(): Promise<string | false> {
  const res = await fetch(`http://${AUTH_REGISTRY}/v2/`, { signal: AbortSignal.timeout(3000) }).catch((e: Error) => e)
  if (!(res instanceof Error) && res.status === 401) return false
  const reason = `no htpasswd registry at http://${AUTH_REGISTRY}/v2/ (${res instanceof Error ? res.message : `HTTP ${res.status}`}); run scripts/services.sh up`
  if (process.env.GOSTATIC_REQUIRE_TOOLS === '1') throw new Error(`${reason} (GOSTATIC_REQUIRE_TOOLS=1 requires it)`)
  console.warn(`skipping: ${reason}`)
  return reason
}

/** Whether `repo:tag` exists on `registry`, asked over HTTP directly (no client of ours in the way). */
export async function tagExists(registry: string, repo: string, tag: string): Promise<boolean> {
  const res = await fetch(`http://${registry}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' } })
  if (res.status !== 200 && res.status !== 404) throw new Error(`HEAD ${registry}/${repo}:${tag}: HTTP ${res.status}`)
  return res.status === 200
}
