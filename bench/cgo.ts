// Benchmark: a go-sqlite3 service built static with .cgo() (zig), for
// linux/amd64 and linux/arm64:
//   - build time, cold (empty Go build cache, empty zig cache, empty gostatic
//     cache; the module cache is warm, so downloads are not counted) and warm
//     with no change, against the raw `go build` with the plan's env and args;
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

async function gostaticBuild(p: Platform, c: ReturnType<typeof caches>): Promise<number> {
  const t0 = performance.now()
  await svc(p).build({ engine: 'local', env: c.env, cacheDir: c.cacheDir })
  return performance.now() - t0
}

/** The plan's own go build, with zig on PATH and its cache where gostatic would put it. */
function rawBuild(p: Platform, c: ReturnType<typeof caches>): number {
  const t = svc(p).plan().targets[0]!
  const zigCache = join(c.cacheDir, 'zig')
  mkdirSync(zigCache, { recursive: true })
  const env = { ...c.env, ...t.env, PATH: `${dirname(zig)}:${process.env['PATH']}`, ZIG_GLOBAL_CACHE_DIR: zigCache, ZIG_LOCAL_CACHE_DIR: zigCache }
  const t0 = performance.now()
  sh('go', [...t.goArgs, '-o', join(tmp, `raw-${p.replace('/', '-')}`), t.package], { cwd: src, env })
  return performance.now() - t0
}

const buildRows: string[] = []
for (const p of sizesOnly ? [] : (['linux/amd64', 'linux/arm64'] as const)) {
  const g = caches(`gostatic-${p.replace('/', '-')}`)
  const r = caches(`raw-${p.replace('/', '-')}`)
  const coldG = await gostaticBuild(p, g)
  const coldR = rawBuild(p, r)
  const warmG: number[] = []
  const warmR: number[] = []
  for (let i = 0; i < runs; i++) {
    warmG.push(await gostaticBuild(p, g))
    warmR.push(rawBuild(p, r))
  }
  buildRows.push(`| ${p} | cold | ${s(coldG)} | ${s(coldR)} |`)
  buildRows.push(`| ${p} | warm, no change (median of ${runs}) | ${median(warmG).toFixed(0)} ms | ${median(warmR).toFixed(0)} ms |`)
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
  '## Build time',
  '',
  'Cold: a fresh `GOCACHE` and a fresh gostatic cache folder (zig\'s cache is in it), so zig builds musl for the target',
  'and cgo compiles sqlite3.c; the module cache is warm (downloads not counted). Warm: the same build again, no change.',
  'The raw column is `go build` with the plan\'s env and args, zig on `PATH`, its own fresh caches.',
  '',
  '| platform | build | gostatic (local engine) | raw go build |',
  '| --- | --- | ---: | ---: |',
  ...(sizesOnly ? ['| - | not measured (--sizes-only) | - | - |'] : buildRows),
  '',
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
