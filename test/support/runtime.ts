// e2e helpers that run images for real: dockerd (scripts/services.sh starts
// one on its own socket) and, as a second runtime, runc on an unpacked OCI
// archive. Nothing here can pull an image; base images are imported locally.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ErrorCode, ToolError } from '../../src/errors.js'
import { hasTool, missing } from './tools.js'

export const DEFAULT_DOCKER_HOST = 'unix:///run/gostatic-docker.sock'
/** The loopback registry of scripts/services.sh (plain HTTP, no auth). */
export const REGISTRY = process.env.GOSTATIC_REGISTRY ?? '127.0.0.1:5000'
const required = process.env.GOSTATIC_REQUIRE_TOOLS === '1'
const dockerBin = process.env.GOSTATIC_DOCKER ?? 'docker'

/** DOCKER_HOST from the environment, else our services' socket if it exists. */
export function dockerHost(): string | undefined {
  if (process.env.DOCKER_HOST) return process.env.DOCKER_HOST
  return existsSync(DEFAULT_DOCKER_HOST.slice('unix://'.length)) ? DEFAULT_DOCKER_HOST : undefined
}

/** Environment for anything that talks to the daemon (docker, skopeo docker-daemon:). */
export function dockerEnv(): NodeJS.ProcessEnv {
  const host = dockerHost()
  return host === undefined ? { ...process.env } : { ...process.env, DOCKER_HOST: host }
}

function skipOrThrow(reason: string | false): string | false {
  if (reason === false) return false
  if (required) throw new Error(`${reason} (GOSTATIC_REQUIRE_TOOLS=1 requires it; run scripts/services.sh up)`)
  console.warn(`skipping: ${reason}`)
  return reason
}

let dockerProbe: string | false | undefined
/** `missing` for the daemon: a skip reason, or false when `docker` can reach one. */
export function missingDocker(): string | false {
  dockerProbe ??= probeDocker()
  return skipOrThrow(dockerProbe)
}

function probeDocker(): string | false {
  if (!hasTool(dockerBin)) return `missing tool(s): ${dockerBin}`
  const r = spawnSync(dockerBin, ['version', '--format', '{{.Server.Version}}'], {
    env: dockerEnv(), encoding: 'utf8', timeout: 15_000,
  })
  if (r.status === 0) return false
  const why = (r.stderr || r.error?.message || '').trim().split('\n').pop()
  return `no docker daemon at ${dockerHost() ?? 'the default socket'}: ${why}`
}

/** Like missingDocker, for the registry at REGISTRY (answers GET /v2/ with 200). */
export async function missingRegistry(): Promise<string | false> {
  const res = await fetch(`http://${REGISTRY}/v2/`, { signal: AbortSignal.timeout(3000) }).catch((e: Error) => e)
  if (!(res instanceof Error) && res.status === 200) return skipOrThrow(false)
  const why = res instanceof Error ? errorText(res) : `HTTP ${res.status}`
  return skipOrThrow(`no registry at http://${REGISTRY}/v2/ (${why})`)
}

/** runc needs skopeo and umoci to unpack an archive, and root for a non-rootless bundle. */
export function missingRunc(): string | false {
  const tools = missing('runc', 'skopeo', 'umoci')
  if (tools !== false) return tools
  return skipOrThrow(process.getuid?.() === 0 ? false : 'runcRunOciArchive needs root')
}

export interface RunResult {
  /** 125-127 with stderr `docker: Error response from daemon` means it never started. */
  exitCode: number
  stdout: string
  stderr: string
}

/** Runs a command to completion; rejects only if it can't be spawned or times out. */
export function exec(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new ToolError(ErrorCode.TOOL_FAILED, `${cmd} ${args.join(' ')}: timed out after ${opts.timeoutMs} ms`,
        { cmd: [cmd, ...args], exitCode: null, stdout, stderr }))
    }, opts.timeoutMs ?? 120_000)
    child.on('error', (e) => { clearTimeout(timer); reject(e) })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ exitCode: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), stdout, stderr })
    })
  })
}

export async function execOk(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  const r = await exec(cmd, args, opts)
  if (r.exitCode === 0) return r.stdout
  throw new ToolError(ErrorCode.TOOL_FAILED, `${cmd} ${args.join(' ')} exited ${r.exitCode}: ${r.stderr.trim()}`,
    { cmd: [cmd, ...args], ...r })
}

export const docker = (args: readonly string[], timeoutMs?: number) => exec(dockerBin, args, { env: dockerEnv(), timeoutMs })
export const dockerOk = (args: readonly string[], timeoutMs?: number) => execOk(dockerBin, args, { env: dockerEnv(), timeoutMs })

/** `docker load -i`; resolves to the first loaded tag, or the image ID when the archive has none. */
export async function dockerLoad(tarPath: string): Promise<string> {
  const out = await dockerOk(['load', '-i', tarPath], 300_000)
  const ref = /^Loaded image(?: ID)?: (\S+)$/m.exec(out)?.[1]
  if (ref === undefined) throw new Error(`docker load -i ${tarPath} printed no image: ${out}`)
  return ref
}

export interface ContainerOptions {
  /** Replaces the image's CMD, as `docker run IMAGE ARGS...` does. */
  args?: readonly string[]
  /** Replaces the image's ENTRYPOINT; '' clears it. */
  entrypoint?: string
  env?: Readonly<Record<string, string>>
  /** `uid[:gid]` or a name from the image's /etc/passwd. */
  user?: string
  /** Default host: servers answer on 127.0.0.1, and a dockerd started without a bridge has no other network. */
  network?: 'host' | 'bridge' | 'none'
  readOnly?: boolean
  /** Entries the runtime adds to the container's /etc/hosts (`--add-host name:ip`). */
  addHosts?: Readonly<Record<string, string>>
  timeoutMs?: number
}

const live = new Set<string>()
let seq = 0
process.once('exit', () => {
  // Last resort when a test forgot stop() or the worker is torn down.
  if (live.size > 0) spawnSync(dockerBin, ['rm', '-f', ...live], { env: dockerEnv(), stdio: 'ignore', timeout: 20_000 })
})

function runArgs(name: string, o: ContainerOptions): string[] {
  return [
    '--name', name, '--network', o.network ?? 'host',
    ...(o.user === undefined ? [] : ['--user', o.user]),
    ...(o.entrypoint === undefined ? [] : ['--entrypoint', o.entrypoint]),
    ...(o.readOnly ? ['--read-only'] : []),
    ...Object.entries(o.addHosts ?? {}).flatMap(([name, ip]) => ['--add-host', `${name}:${ip}`]),
    ...Object.entries(o.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
  ]
}

async function remove(name: string): Promise<void> {
  await docker(['rm', '-f', name], 30_000)
  live.delete(name)
}

/** One-shot run; the container is removed even on timeout. */
export async function runContainer(image: string, opts: ContainerOptions = {}): Promise<RunResult> {
  const name = `gostatic-test-${process.pid}-${++seq}`
  live.add(name)
  try {
    return await docker(['run', '--rm', ...runArgs(name, opts), image, ...(opts.args ?? [])], opts.timeoutMs ?? 120_000)
  } finally {
    await remove(name)
  }
}

export interface StartedContainer {
  readonly id: string
  readonly name: string
  /** stdout then stderr, as `docker logs` splits them. */
  logs(): Promise<string>
  /** waitForHttp that fails at once, with the logs, when the container exits. */
  waitForHttp(url: string, timeoutMs?: number): Promise<Response>
  /** `docker rm -f`; safe to call twice. */
  stop(): Promise<void>
}

/** Starts a server in the background; call stop() in a finally or afterAll. */
export async function startContainer(image: string, opts: ContainerOptions = {}): Promise<StartedContainer> {
  const name = `gostatic-test-${process.pid}-${++seq}`
  live.add(name)
  const r = await docker(['run', '-d', ...runArgs(name, opts), image, ...(opts.args ?? [])], opts.timeoutMs ?? 120_000)
  if (r.exitCode !== 0) {
    await remove(name)
    throw new ToolError(ErrorCode.TOOL_FAILED, `docker run -d ${image} exited ${r.exitCode}: ${r.stderr.trim()}`,
      { cmd: [dockerBin, 'run', '-d', image], ...r })
  }
  const logs = async () => { const l = await docker(['logs', name]); return l.stdout + l.stderr }
  const exited = async () => {
    const s = await docker(['inspect', '-f', '{{.State.Running}} {{.State.ExitCode}}', name])
    if (s.stdout.startsWith('true')) return undefined
    return `container ${name} (${image}) is not running (exit code ${s.stdout.trim().split(' ')[1] ?? '?'}); logs:\n${await logs()}`
  }
  return {
    id: r.stdout.trim(), name, logs,
    waitForHttp: (url, timeoutMs) => waitForHttp(url, timeoutMs, exited),
    stop: () => remove(name),
  }
}

/**
 * Polls until `url` gives any HTTP response and returns it. `gone`, checked
 * about twice a second, returns a reason to stop waiting early.
 */
export async function waitForHttp(url: string, timeoutMs = 15_000, gone?: () => Promise<string | undefined>): Promise<Response> {
  const deadline = Date.now() + timeoutMs
  let last = 'no attempt'
  let nextCheck = 0
  for (;;) {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(2000) })
    } catch (e) {
      last = errorText(e)
    }
    if (gone && Date.now() >= nextCheck) {
      const why = await gone()
      if (why !== undefined) throw new Error(`${url} never answered: ${why}`)
      nextCheck = Date.now() + 500
    }
    if (Date.now() >= deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms (last error: ${last})`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

// fetch hides the useful part (ECONNREFUSED...) in `cause`.
function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e)
  return e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message
}

/** A TCP port free on 127.0.0.1 right now (for host-network servers). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))))
    })
  })
}

/**
 * Writes a busybox rootfs tarball: the host's /bin/busybox (busybox-static,
 * so it needs no libc), an applet symlink per command, passwd/group with
 * root and nonroot (65532), and a 1777 /tmp.
 */
export async function busyboxRootfsTar(dir: string): Promise<string> {
  const root = join(dir, 'rootfs')
  await mkdir(join(root, 'bin'), { recursive: true })
  await mkdir(join(root, 'etc'))
  await mkdir(join(root, 'tmp'))
  await chmod(join(root, 'tmp'), 0o1777)
  await copyFile('/bin/busybox', join(root, 'bin/busybox'))
  const applets = (await execOk('/bin/busybox', ['--list'])).split('\n').filter((a) => a && a !== 'busybox')
  await Promise.all(applets.map((a) => symlink('busybox', join(root, 'bin', a))))
  await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n')
  await writeFile(join(root, 'etc/group'), 'root:x:0:\nnonroot:x:65532:\n')
  const tar = join(dir, 'rootfs.tar')
  await execOk('tar', ['-C', root, '--owner=0', '--group=0', '--numeric-owner', '-cf', tar, '.'])
  return tar
}

/** `docker import` of busyboxRootfsTar; no pull needed. Resolves to `tag`. */
export async function importBusyboxImage(tag = 'gostatic/busybox:latest'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gostatic-busybox-'))
  try {
    const tar = await busyboxRootfsTar(dir)
    const previous = (await docker(['image', 'inspect', '-f', '{{.Id}}', tag])).stdout.trim()
    await dockerOk(['import', '-c', 'ENV PATH=/bin', '-c', 'CMD ["/bin/sh"]', tar, tag])
    // Each import gets a new ID (its creation time); drop the one it untagged
    // unless something still uses it.
    if (previous !== '') await docker(['rmi', previous])
    return tag
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * The daemon-less path: skopeo copies the archive to an OCI layout, umoci
 * unpacks a bundle, runc runs it in the host network namespace. `args`
 * replaces CMD as with docker; `user` is numeric `uid[:gid]`.
 */
export async function runcRunOciArchive(
  tarPath: string,
  opts: { args?: readonly string[]; env?: Readonly<Record<string, string>>; user?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'gostatic-runc-'))
  const id = `gostatic-${process.pid}-${++seq}`
  const state = join(dir, 'state')
  try {
    const layout = `oci:${join(dir, 'layout')}:img`
    await execOk('skopeo', ['copy', '-q', `oci-archive:${tarPath}`, layout])
    const image = JSON.parse(await execOk('skopeo', ['inspect', '--config', layout])) as {
      config?: { Entrypoint?: string[] | null; Cmd?: string[] | null }
    }
    await execOk('umoci', ['unpack', '--image', layout.slice('oci:'.length), join(dir, 'bundle')])
    const configPath = join(dir, 'bundle', 'config.json')
    const config = JSON.parse(await readFile(configPath, 'utf8'))
    config.process.terminal = false
    config.process.args = [...(image.config?.Entrypoint ?? []), ...(opts.args ?? image.config?.Cmd ?? [])]
    config.process.env.push(...Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`))
    if (opts.user !== undefined) {
      const [uid, gid] = opts.user.split(':').map(Number)
      config.process.user = { uid, gid: gid ?? uid }
    }
    config.linux.namespaces = config.linux.namespaces.filter((n: { type: string }) => n.type !== 'network')
    await writeFile(configPath, JSON.stringify(config))
    return await exec('runc', ['--root', state, 'run', '--bundle', join(dir, 'bundle'), id], { timeoutMs: opts.timeoutMs ?? 120_000 })
  } finally {
    await exec('runc', ['--root', state, 'delete', '--force', id]).catch(() => undefined)
    await rm(dir, { recursive: true, force: true })
  }
}
