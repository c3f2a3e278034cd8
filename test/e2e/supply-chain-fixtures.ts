// Fixtures for the supply-chain tests: a git origin holding a Go service
// that uses a local module through a go.mod replace, cloned to as many
// checkouts as a test wants; cosign key pairs made by the real cosign; and
// raw registry reads that bypass gostatic's own client.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execOk, REGISTRY } from '../support/runtime.js'
import { cosignPath } from '../support/cosign.js'

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1' }
const git = (args: string[]) => execOk('git', args, { env: GIT_ENV })

/** A bare origin with hello/ (main) and greet/ (the replaced module); returns its path. */
export async function gitOrigin(dir: string): Promise<string> {
  const work = join(dir, 'seed')
  await mkdir(join(work, 'hello'), { recursive: true })
  await mkdir(join(work, 'greet'), { recursive: true })
  await writeFile(join(work, 'greet', 'go.mod'), 'module example.com/greet\n\ngo 1.21\n')
  await writeFile(join(work, 'greet', 'greet.go'), 'package greet\n\nfunc Hello() string { return "hello" }\n')
  await writeFile(join(work, 'hello', 'go.mod'), 'module example.com/hello\n\ngo 1.21\n\nrequire example.com/greet v0.0.0\n\nreplace example.com/greet => ../greet\n')
  await writeFile(join(work, 'hello', 'main.go'), 'package main\n\nimport (\n\t"fmt"\n\t"example.com/greet"\n)\n\nfunc main() { fmt.Println(greet.Hello()) }\n')
  await git(['init', '-q', '-b', 'main', work])
  await git(['-C', work, 'add', '.'])
  await git(['-C', work, 'commit', '-q', '-m', 'seed'])
  const origin = join(dir, 'origin.git')
  await git(['clone', '-q', '--bare', work, origin])
  return origin
}

/** A fresh clone of `origin` at `path`; returns the service folder inside it. */
export async function checkout(origin: string, path: string): Promise<string> {
  await git(['clone', '-q', origin, path])
  return join(path, 'hello')
}

/** `cosign generate-key-pair` in `dir` with `password`: paths of cosign.key and cosign.pub. */
export async function cosignKeyPair(dir: string, password: string): Promise<{ key: string; pub: string }> {
  await mkdir(dir, { recursive: true })
  await execOk(cosignPath()!, ['generate-key-pair', '--output-key-prefix', join(dir, 'cosign')], { env: { ...process.env, COSIGN_PASSWORD: password } })
  return { key: join(dir, 'cosign.key'), pub: join(dir, 'cosign.pub') }
}

export async function cosign(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const { exec } = await import('../support/runtime.js')
  // Key-only verification: no transparency log, no network.
  return exec(cosignPath()!, args, { timeoutMs: 120_000 })
}

const ACCEPT = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json'

/** A manifest's bytes and digest straight from the registry. */
export async function rawManifest(repo: string, reference: string): Promise<{ status: number; bytes: Buffer; digest: string | null }> {
  const res = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${reference}`, { headers: { accept: ACCEPT } })
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), digest: res.headers.get('docker-content-digest') }
}

export async function putManifest(repo: string, reference: string, bytes: Buffer): Promise<void> {
  const res = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${reference}`, { method: 'PUT', headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, body: bytes })
  if (res.status !== 201) throw new Error(`PUT ${repo}:${reference}: HTTP ${res.status} ${await res.text()}`)
}

export const readText = (p: string) => readFile(p, 'utf8')
