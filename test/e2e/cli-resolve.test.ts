// `gostatic resolve` over real manifests (a Deployment, a CronJob, a
// multi-document file with comments, kustomize's output): each distinct
// gostatic:// reference is built once and pushed to the local registry, the
// YAML comes back with only the references changed, kubeconform (real, with
// offline schemas) accepts it, and every digest is pulled back and checked.
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { missing } from '../support/tools.js'
import { runCli } from '../support/cli.js'
import { REGISTRY, exec, execOk, missingRegistry } from '../support/runtime.js'
import { kubeconform, missingKubeconform } from '../support/kubeconform.js'
import { uniqueRepo } from './registry-fixtures.js'

const skip = missing('go', 'skopeo') || (await missingRegistry()) || missingKubeconform()
const FIXTURES = resolve('test/fixtures/k8s')
const FILES = ['cronjob.yaml', 'deployment.yaml', 'kustomize-output.yaml', 'multi.yaml']
const bin = resolve('bin/gostatic.js')

describe.skipIf(skip)('gostatic resolve', () => {
  let shop: string
  let repo: string
  const env = () => ({ ...process.env, GOSTATIC_REPO: repo })
  beforeAll(async () => {
    shop = await mkdtemp(join(tmpdir(), 'gostatic-resolve-'))
    repo = `${REGISTRY}/${uniqueRepo('shop')}`
    await writeFile(join(shop, 'go.mod'), 'module example.com/shop\n\ngo 1.21\n')
    for (const name of ['api', 'worker']) {
      await mkdir(join(shop, 'cmd', name), { recursive: true })
      await writeFile(join(shop, 'cmd', name, 'main.go'), `package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("${name}") }\n`)
    }
    await cp(FIXTURES, join(shop, 'k8s'), { recursive: true })
  })
  afterAll(async () => {
    if (shop) await rm(shop, { recursive: true, force: true })
  })

  it('builds each distinct reference once, replaces only the references, and kubeconform accepts the result', async () => {
    const r = await runCli(['resolve', '-f', 'k8s', '--reporter', 'plain', '--tag', 'dev'], { cwd: shop, env: env() })
    expect(r.code, r.stderr).toBe(0)
    const api = new RegExp(`${repo}/api@sha256:[0-9a-f]{64}`).exec(r.stdout)?.[0]
    const worker = new RegExp(`${repo}/worker@sha256:[0-9a-f]{64}`).exec(r.stdout)?.[0]
    expect(api && worker).toBeTruthy()
    // Two folders, two builds and pushes, however many times they are named.
    expect(r.stderr.match(/: done, pushed /g)).toHaveLength(2)
    // Byte for byte: the inputs with only the references swapped (a mention in prose stays).
    const inputs = await Promise.all(FILES.map((f) => readFile(join(FIXTURES, f), 'utf8')))
    const swapped = inputs.map((t) =>
      t.replace(/gostatic:\/\/\.\/cmd\/api(?=["\s]|$)(?! is only)/g, api!).replace(/gostatic:\/\/example\.com\/shop\/cmd\/worker/g, worker!),
    )
    expect(r.stdout).toBe(swapped.map((t, i) => (i === 0 || t.startsWith('---') ? t : `---\n${t}`)).join(''))
    expect(r.stdout).toContain('note: "gostatic://./cmd/api is only text here')
    const k = kubeconform()!
    const out = join(shop, 'resolved.yaml')
    await writeFile(out, r.stdout)
    const v = await exec(k.bin, ['-strict', '-summary', '-schema-location', k.schemas, out])
    expect(v.exitCode, v.stdout + v.stderr).toBe(0)
    expect(v.stdout).toContain('Valid: 7, Invalid: 0, Errors: 0, Skipped: 0')
    // Pulled back: each reference's manifest hashes to its digest.
    for (const ref of [api!, worker!]) {
      const raw = await execOk('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${ref}`])
      expect(`sha256:${createHash('sha256').update(raw).digest('hex')}`).toBe(ref.split('@')[1])
    }
    // --tag names the tag pushed: it points at the same image.
    const tagged = await execOk('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${repo}/api:dev`])
    expect(`sha256:${createHash('sha256').update(tagged).digest('hex')}`).toBe(api!.split('@')[1])
  })

  it('reads stdin with -f -, and a reference to nothing names the file and line', async () => {
    const text = await readFile(join(FIXTURES, 'cronjob.yaml'), 'utf8')
    const r = await pipe(['resolve', '-f', '-', '--reporter', 'silent'], text, shop, env())
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`image: ${repo}/worker@sha256:[0-9a-f]{64}\\n$`))
    await writeFile(join(shop, 'bad.yaml'), 'kind: Pod\nspec:\n  containers:\n    - image: gostatic://./cmd/nope\n')
    const bad = await runCli(['resolve', '-f', 'bad.yaml'], { cwd: shop, env: env() })
    expect(bad.code).toBe(1)
    expect(bad.stdout).toBe('')
    expect(bad.stderr).toContain(`error [INPUT_NOT_FOUND]: bad.yaml:4: gostatic://./cmd/nope: there is no folder ${join(shop, 'cmd/nope')}`)
  })

  it('gostatic apply says so when kubectl is not on PATH, before building anything', async () => {
    // A PATH with node and nothing else.
    const path = join(shop, 'only-node')
    await mkdir(path)
    await symlink(process.execPath, join(path, 'node'))
    const r = await runCli(['apply', '-f', 'k8s'], { cwd: shop, env: { ...env(), PATH: path } })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('kubectl is not on PATH')
  })

  it('gostatic apply hands the resolved YAML to kubectl apply -f - and exits with its status', async () => {
    // kubectl is a seam here (no cluster runs in the tests): it records its arguments and stdin.
    const path = join(shop, 'fake-kubectl')
    await mkdir(path, { recursive: true })
    const seen = join(shop, 'kubectl-stdin.yaml')
    const script = `#!/bin/sh\necho "$@" > '${seen}.args'\ncat > '${seen}'\nexit 3\n`
    await writeFile(join(path, 'kubectl'), script, { mode: 0o755 })
    const e = { ...env(), PATH: `${path}:${process.env['PATH']}` }
    const r = await runCli(['apply', '-f', 'k8s/cronjob.yaml', '--reporter', 'silent'], { cwd: shop, env: e })
    expect(r.code).toBe(3)
    expect((await readFile(`${seen}.args`, 'utf8')).trim()).toBe('apply -f -')
    expect(await readFile(seen, 'utf8')).toMatch(new RegExp(`image: ${repo}/worker@sha256:[0-9a-f]{64}\\n$`))
  })
})

function pipe(args: string[], input: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, [bin, ...args], { cwd, env })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d) => (stdout += d))
    p.stderr.on('data', (d) => (stderr += d))
    p.on('error', rej)
    p.on('close', (code) => res({ code, stdout, stderr }))
    p.stdin.end(input)
  })
}
