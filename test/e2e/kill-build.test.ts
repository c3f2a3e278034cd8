// A build killed with SIGKILL at any step (the machine lost power, the OOM
// killer struck) leaves nothing the next build trusts or leaks: the next build
// in the same TMPDIR and cache gives the clean build's image digest and leaves
// no temp file, no temp folder and no secret (.netrc) behind. The build runs
// the public API in a child process; it and every process under it (go,
// compile, link, strip, upx) are killed at once.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { missing } from '../support/tools.js'

// The process tree is read from /proc: Linux only.
const skip = missing('go', 'strip', 'upx') || (existsSync('/proc/self/stat') ? false : 'no /proc (Linux only)')
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-e2e-kill-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const src = join(tmp, 'src')
const netrc = join(tmp, 'netrc')
const SECRET = 'kill-test-password-7f3a9c'
const script = join(tmp, 'build.mjs')
const index = pathToFileURL(resolve('dist/index.js')).href

// Prints each step as it starts and waits, blocked, for the parent's go-ahead
// byte on stdin, so a kill lands at that step however loaded the machine is:
// without the wait the build ran ahead of a slow parent, and a kill meant for
// a late step (verify-static) could land after the build had ended on its own.
// Then the image digest; 'export' marks the archive write.
const SCRIPT = `
import { readSync, writeSync } from 'node:fs'
import { goService } from '${index}'
const [src, cacheDir, out, netrc] = process.argv.slice(2)
const say = (o) => writeSync(1, JSON.stringify(o) + '\\n')
const nap = new Int32Array(new SharedArrayBuffer(4))
const step = (name) => {
  say({ step: name })
  for (;;) {
    try {
      if (readSync(0, Buffer.alloc(1)) === 1) return
      throw new Error('the parent closed stdin')
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e
      Atomics.wait(nap, 0, 0, 5) // a non-blocking stdin: try again shortly
    }
  }
}
const svc = goService({ name: 'killme', source: src }).strip().upx().runtime('static')
  .secret({ id: 'netrc', from: { file: netrc }, as: { file: '/root/.netrc' } })
const r = await svc.build({ engine: 'local', cacheDir, reporter: 'silent',
  onEvent: (e) => e.kind === 'step-start' && step(e.step) })
step('export')
say({ digest: (await r.exportTarball(out)).indexDigest })
`

type Run = { code: number | null; lines: { step?: string; digest?: string }[]; stderr: string }

/** One build in a child; with `killAt`, it and all its descendants are SIGKILLed when that step starts. */
function runBuild(box: string, killAt?: string): Promise<Run> {
  const env = { ...process.env, TMPDIR: join(box, 'tmp') }
  const args = [script, src, join(box, 'cache'), join(box, 'out', 'image.tar'), netrc]
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] })
    p.stdin.on('error', () => undefined) // a killed child's stdin
    const lines: Run['lines'] = []
    let buf = ''
    let stderr = ''
    p.stderr.on('data', (d) => (stderr += d))
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString()
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = JSON.parse(buf.slice(0, i)) as { step?: string }
        buf = buf.slice(i + 1)
        lines.push(line)
        if (line.step === undefined) continue
        if (line.step === killAt) killTree(p.pid!)
        else p.stdin.write('.')
      }
    })
    p.on('error', rej)
    p.on('close', (code) => res({ code, lines, stderr }))
  })
}

/** Stops the tree (so nothing new is spawned), then kills every process in it at once. */
function killTree(root: number): void {
  const all = new Set<number>([root])
  for (let grew = true; grew; ) {
    grew = false
    for (const pid of all) signal(pid, 'SIGSTOP')
    for (const pid of all)
      for (const child of children(pid))
        if (!all.has(child)) (all.add(child), (grew = true))
  }
  for (const pid of all) signal(pid, 'SIGKILL')
}

/** The children of `pid`, from /proc (field 4 of /proc/<pid>/stat is the parent). */
function children(pid: number): number[] {
  const out: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8')
    } catch {
      continue // gone meanwhile
    }
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(name))
  }
  return out
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {
    // already gone
  }
}

/** Every file and folder under `dir`, relative. */
const contents = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).sort()

let cleanDigest = ''
let steps: string[] = []

describe.skipIf(skip)('a build killed with SIGKILL', () => {
  beforeAll(async () => {
    mkdirSync(src)
    writeFileSync(join(src, 'go.mod'), 'module example.com/killme\n\ngo 1.22\n')
    writeFileSync(join(src, 'main.go'), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("ok") }\n')
    writeFileSync(netrc, `machine git.example.com login ci password ${SECRET}\n`, { mode: 0o600 })
    writeFileSync(script, SCRIPT)
    const box = mkdtempSync(join(tmp, 'clean-'))
    mkdirSync(join(box, 'tmp'))
    const r = await runBuild(box)
    expect(r.code, r.stderr).toBe(0)
    cleanDigest = r.lines.find((l) => l.digest)!.digest!
    steps = r.lines.flatMap((l) => (l.step ? [l.step] : []))
    expect(steps).toEqual(expect.arrayContaining(['go-build', 'strip', 'upx', 'assemble-runtime', 'export']))
    expect(contents(join(box, 'tmp'))).toEqual([])
  }, 600_000)

  it('at each step: the next build gives the same digest and leaves no temp or secret file', async () => {
    // One TMPDIR and cache for all: each kill leaves its debris for the next build to meet.
    const box = mkdtempSync(join(tmp, 'killed-'))
    mkdirSync(join(box, 'tmp'))
    for (const step of steps) {
      const killed = await runBuild(box, step)
      expect(killed.code, `killed at ${step}: ${killed.stderr}`).toBe(null)
      const again = await runBuild(box)
      expect(again.code, again.stderr).toBe(0)
      expect(again.lines.find((l) => l.digest)?.digest, `after a kill at ${step}`).toBe(cleanDigest)
      expect(contents(join(box, 'tmp')), `TMPDIR after a kill at ${step}`).toEqual([])
      expect(contents(join(box, 'cache', 'tmp')), `cache temp files after a kill at ${step}`).toEqual([])
      expect(contents(join(box, 'out')), `output folder after a kill at ${step}`).toEqual(['image.tar'])
      const found = spawnSync('grep', ['-rl', SECRET, box], { encoding: 'utf8' }).stdout.trim()
      expect(found, `files holding the secret after a kill at ${step}`).toBe('')
    }
  }, 1_200_000)
})
