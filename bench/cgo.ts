// Benchmark: a go-sqlite3 service built static with .cgo() (zig), linux/amd64:
//   - build time, cold (empty Go build cache and gostatic cache, zig's musl
//     libc built or not; the module cache is warm, so downloads are not
//     counted) and warm with no change, paired against a plain `go build` with
//     the host's gcc (glibc, dynamic); where a warm build's time goes, by step;
//   - image size against the same service built the usual way (CGO_ENABLED=1
//     with the host's gcc, glibc, dynamic) on Debian bookworm-slim made here
//     with mmdebstrap (minbase, with the paths the official slim image leaves
//     out left out too);
//   - start-up: the query program run to completion, static vs glibc, on the
//     host, and `docker run --rm` of each image.
//
//   npx tsx bench/cgo.ts [runs] [--sizes-only]
//
// --sizes-only skips the build-time section (minutes of cold builds); the
// results file then says so.
// Needs go, zig (scripts/zig.sh install), mmdebstrap and the docker daemon of
// scripts/services.sh (eval "$(scripts/services.sh env)"). Writes bench/results/cgo.md.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { goService } from '../src/index.js'
import type { Platform } from '../src/spec/platform.js'
import { sqliteModule } from '../test/support/cgo-fixtures.js'
import { median } from './median.js'

const args = process.argv.slice(2)
const sizesOnly = args.includes('--sizes-only')
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 15)
const zig = process.env['GOSTATIC_ZIG'] ?? execFileSync('scripts/zig.sh', ['path'], { encoding: 'utf8' }).trim()
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-bench-cgo-'))
const load0 = loadavg().map((l) => l.toFixed(1))
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`

function sh(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { ...opts, encoding: 'utf8', maxBuffer: 1 << 28 })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`)
  return r.stdout
}

// The service: one query, the same program the e2e test runs.
const src = await sqliteModule(join(tmp, 'sqlite'))
const svc = (p: Platform) => goService({ name: 'sqlite', source: src }).platforms(p).runtime('scratch').cgo({ zig })

/** Fresh Go build cache and gostatic cache (zig's cache is inside it): a cold build. */
function caches(name: string) {
  const dir = join(tmp, `caches-${name}`)
  return { env: { ...process.env, GOCACHE: join(dir, 'go-build') }, cacheDir: join(dir, 'gostatic') }
}

/** Wall time of a gostatic build, and each step's time (step-done events) for the warm-build breakdown. */
async function gostaticBuild(p: Platform, c: ReturnType<typeof caches>, steps?: Map<string, number[]>): Promise<number> {
  const t0 = performance.now()
  await svc(p).build({
    engine: 'local',
    env: c.env,
    cacheDir: c.cacheDir,
    onEvent: (e) => {
      if (e.kind === 'step-done' && steps) steps.set(e.step, [...(steps.get(e.step) ?? []), e.ms])
    },
  })
  return performance.now() - t0
}

/** The peer: a plain `go build` with cgo and the host's gcc (glibc, dynamically linked), as most teams build. */
function gccBuild(c: ReturnType<typeof caches>): number {
  const t0 = performance.now()
  sh('go', ['build', '-o', join(tmp, 'gcc-sqlite'), '.'], { cwd: src, env: { ...c.env, CGO_ENABLED: '1', CC: 'gcc' } })
  return performance.now() - t0
}

/**
 * A zig cache holding what zig builds once per target and machine (musl libc,
 * compiler-rt), made by a cgo build of a one-line C function: a cold build
 * that starts from a copy still compiles sqlite3.c and links, as gcc does.
 */
async function zigLibcCache(p: Platform): Promise<string> {
  const dir = join(tmp, 'zig-libc')
  const hello = join(tmp, 'hello-c')
  mkdirSync(hello, { recursive: true })
  writeFileSync(join(hello, 'go.mod'), 'module example.com/helloc\n\ngo 1.22\n')
  writeFileSync(join(hello, 'main.go'), 'package main\n\n// int one(void) { return 1; }\nimport "C"\n\nfunc main() { println(C.one()) }\n')
  const c = { env: { ...process.env, GOCACHE: join(dir, 'go-build') }, cacheDir: dir }
  await goService({ name: 'hello-c', source: hello }).platforms(p).runtime('scratch').cgo({ zig }).build({ engine: 'local', ...c })
  return join(dir, 'zig')
}

const buildRows: string[] = []
const stepRows: string[] = []
let ratios = ''
if (!sizesOnly) {
  const p = 'linux/amd64'
  const libc = await zigLibcCache(p)
  // Paired, one after the other: the machine is shared, so load moves between runs, not within a pair.
  const first = caches('gostatic-first')
  const coldFirst = await gostaticBuild(p, first)
  const g = caches('gostatic')
  mkdirSync(g.cacheDir, { recursive: true })
  execFileSync('cp', ['-a', libc, join(g.cacheDir, 'zig')])
  const coldG = await gostaticBuild(p, g)
  const r = caches('gcc')
  const coldR = gccBuild(r)
  const warmG: number[] = []
  const warmR: number[] = []
  const steps = new Map<string, number[]>()
  for (let i = 0; i < runs; i++) {
    warmG.push(await gostaticBuild(p, g, steps))
    warmR.push(gccBuild(r))
  }
  const [wg, wr] = [median(warmG), median(warmR)]
  buildRows.push(`| cold: fresh Go cache, zig's musl libc already built | ${s(coldG)} | ${s(coldR)} | ${(coldG / coldR).toFixed(2)}× |`)
  buildRows.push(`| cold, first cgo build on the machine: zig builds musl libc too | ${s(coldFirst)} | ${s(coldR)} | ${(coldFirst / coldR).toFixed(2)}× |`)
  buildRows.push(`| warm, no change (median of ${runs}) | ${wg.toFixed(0)} ms | ${wr.toFixed(0)} ms | ${(wg / wr).toFixed(2)}× |`)
  for (const [step, ms] of steps) stepRows.push(`| ${step} | ${median(ms).toFixed(0)} ms |`)
  ratios = `cold ${(coldG / coldR).toFixed(2)}× (target ≤ 1.3×), warm ${(wg / wr).toFixed(2)}× (target ≤ 1.5×)`
}

// The static image and its binary.
const built = await svc('linux/amd64').build({ engine: 'local' })
const staticTar = (await built.exportTarball(join(tmp, 'static.tar'), { tag: `gostatic.local/bench-sqlite-static:${process.pid}` })).path
const staticBin = await built.exportBinary(join(tmp, 'sqlite-static'))

// The usual build: CGO_ENABLED=1 with the host gcc, dynamically linked against glibc.
const glibcBin = join(tmp, 'sqlite-glibc')
sh('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', glibcBin, '.'], { cwd: src, env: { ...process.env, CGO_ENABLED: '1', CC: 'gcc' } })
const needed = sh('readelf', ['-d', glibcBin]).split('\n').filter((l) => l.includes('NEEDED')).map((l) => /\[(.*)\]/.exec(l)![1]).join(', ')

// Debian bookworm-slim, made here (no registry serves debian:bookworm-slim), cached between runs.
const slimTar = '/var/cache/gostatic/bench/bookworm-slim.tar'
if (!existsSync(slimTar)) {
  mkdirSync(dirname(slimTar), { recursive: true })
  const part = `${slimTar}.${process.pid}`
  // The paths debuerreotype's slim variant leaves out, and no apt lists or caches (as the official image).
  const excludes = ['man', 'doc', 'locale', 'groff', 'info', 'lintian', 'linda'].map((d) => `--dpkgopt=path-exclude=/usr/share/${d}/*`)
  // merged-usr: /usr merged by the hook, as debuerreotype does, not by the usrmerge package (which pulls in perl).
  sh('mmdebstrap', ['--quiet', '--variant=minbase', '--format=tar', '--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr', ...excludes, '--dpkgopt=path-include=/usr/share/doc/*/copyright',
    '--customize-hook=rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/cache/apt/archives/*.deb', 'bookworm', part,
    'deb http://deb.debian.org/debian bookworm main', 'deb http://deb.debian.org/debian-security bookworm-security main'])
  renameSync(part, slimTar)
}
// Docker 20.10's client: BuildKit built in (the newer client on PATH wants a buildx plugin to build).
const docker = (a: string[]) => sh('/usr/bin/docker', a, { env: { ...process.env, DOCKER_BUILDKIT: '1' } })
const slimRef = `gostatic.local/bench-bookworm-slim:${process.pid}`
docker(['import', slimTar, slimRef])
const ctx = join(tmp, 'glibc-ctx')
mkdirSync(ctx)
execFileSync('cp', [glibcBin, join(ctx, 'sqlite')])
writeFileSync(join(ctx, 'Dockerfile'), `FROM ${slimRef}\nCOPY sqlite /usr/local/bin/sqlite\nENTRYPOINT ["/usr/local/bin/sqlite"]\n`)
const glibcRef = `gostatic.local/bench-sqlite-glibc:${process.pid}`
docker(['build', '-q', '-t', glibcRef, ctx])
const staticRef = /Loaded image: (\S+)/.exec(docker(['load', '-i', staticTar]))![1]!

const answers = [staticRef, glibcRef].map((ref) => docker(['run', '--rm', '--network', 'none', ref]).trim())
const imageSize = (ref: string) => Number(docker(['image', 'inspect', '--format', '{{.Size}}', ref]).trim())
const [staticSize, glibcSize] = [imageSize(staticRef), imageSize(glibcRef)]
const gz = (b: Buffer) => gzipSync(b, { level: 6 }).length
// Compressed: what a registry stores and a node pulls (gzip -6 layers; the static archive's own layers for gostatic).
const glibcCompressed = gz(readFileSync(slimTar)) + gz(execFileSync('tar', ['-C', ctx, '-cf', '-', 'sqlite'], { maxBuffer: 1 << 28 }))
const staticCompressed = statSync(staticTar).size

function timeRuns(cmd: string, args: string[], n: number): number {
  const xs: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    sh(cmd, args)
    xs.push(performance.now() - t0)
  }
  return median(xs)
}
const hostStatic = timeRuns(staticBin, [], runs * 2)
const hostGlibc = timeRuns(glibcBin, [], runs * 2)
const runStatic = timeRuns('/usr/bin/docker', ['run', '--rm', '--network', 'none', staticRef], Math.max(5, Math.round(runs / 2)))
const runGlibc = timeRuns('/usr/bin/docker', ['run', '--rm', '--network', 'none', glibcRef], Math.max(5, Math.round(runs / 2)))
docker(['rmi', '-f', staticRef, glibcRef, slimRef])

const out = [
  '# .cgo(): go-sqlite3 built static with zig',
  '',
  `Command: \`npx tsx bench/cgo.ts ${args.join(' ')}\` on ${new Date().toISOString().slice(0, 10)}, ${sh('go', ['version']).trim()}, zig ${sh(zig, ['version']).trim()}, ` +
    `${cpus().length} cores (shared: load average ${load0.join(' ')} before, ${loadavg().map((l) => l.toFixed(1)).join(' ')} after).`,
  '',
  'The service opens an in-memory SQLite database, creates a table, inserts two rows and prints',
  `\`${answers[0]}\` (the glibc image printed \`${answers[1]}\`).`,
  '',
  '## Build time (linux/amd64)',
  '',
  'gostatic: the local engine, .cgo() with zig, static (musl), the image written. Peer: a plain `go build` with',
  '`CGO_ENABLED=1` and the host gcc (glibc, dynamically linked), the binary only. Each pair runs one after the other.',
  "Cold: a fresh `GOCACHE` (and gostatic cache folder), so cgo compiles sqlite3.c; the module cache is warm",
  '(downloads not counted). zig builds musl libc for a target once per machine and keeps it in its cache, as gcc',
  "has glibc installed; the first row starts from a zig cache holding it (made by a one-function cgo build), the",
  'second from an empty one. Warm: the same build again, no change. linux/arm64 has no host-gcc peer here.',
  '',
  '| build | gostatic (zig, static) | go build (gcc, glibc, dynamic) | ratio |',
  '| --- | ---: | ---: | ---: |',
  ...(sizesOnly ? ['| not measured (--sizes-only) | - | - | - |'] : buildRows),
  '',
  ...(sizesOnly ? [] : [`Against the targets: ${ratios}.`, '']),
  ...(sizesOnly
    ? []
    : [
        'Where a warm gostatic build spends its time (the engine\'s step-done events, medians; the rest of the wall',
        'time is planning, reading the host facts (go env, go.mod) and writing the OCI archive):',
        '',
        '| step | median |',
        '| --- | ---: |',
        ...stepRows,
        '',
      ]),
  '## Image size (linux/amd64)',
  '',
  `The glibc image is the same program built with \`CGO_ENABLED=1\` and the host gcc (dynamic: needs ${needed}) on Debian`,
  "bookworm-slim made here with mmdebstrap (minbase, without the docs, man pages, locales and apt lists debuerreotype's slim leaves out).",
  '',
  '| image | binary | uncompressed (docker image inspect) | compressed (layers, gzip) |',
  '| --- | ---: | ---: | ---: |',
  `| gostatic, .cgo() zig, scratch | ${mb(statSync(staticBin).size)} | ${mb(staticSize)} | ${mb(staticCompressed)} (the OCI archive) |`,
  `| glibc, bookworm-slim | ${mb(statSync(glibcBin).size)} | ${mb(glibcSize)} | ${mb(glibcCompressed)} |`,
  '',
  '## Start-up',
  '',
  'Wall time of one complete run of the query program (start, query, exit); medians.',
  '',
  '| | static (zig, musl) | dynamic (gcc, glibc) |',
  '| --- | ---: | ---: |',
  `| on the host, ${runs * 2} runs | ${hostStatic.toFixed(1)} ms | ${hostGlibc.toFixed(1)} ms |`,
  `| \`docker run --rm\` of the image, ${Math.max(5, Math.round(runs / 2))} runs | ${runStatic.toFixed(0)} ms | ${runGlibc.toFixed(0)} ms |`,
  '',
]
writeFileSync(sizesOnly ? join(tmpdir(), 'gostatic-bench-cgo-sizes-only.md') : 'bench/results/cgo.md', out.join('\n'))
console.log(out.join('\n'))
rmSync(tmp, { recursive: true, force: true })
