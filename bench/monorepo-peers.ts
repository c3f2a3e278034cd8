// Benchmark: a 30-service monorepo (one module, 10 shared internal packages,
// prometheus client_golang and chi from the module proxy) built with the
// gostatic CLI (local engine) and with ko v0.19.1 (`ko build` of all import
// paths, -j at the core count, -s -w, one tarball), paired and alternating
// (the order flips every round). Cases: cold (fresh GOCACHE each), warm with
// no change, one service's main package changed, a shared package used by
// half the services changed; in the last two also `gostatic build
// --changed-since HEAD`. Optionally gostatic on the Dagger engine, cold and
// warm, for reference. Image bytes (distinct layer blobs over all images) and
// the gostatic process's peak RSS at 10 and at N services are reported too.
// The 1-minute load average is written beside each figure: this machine is
// shared. Nothing asserts a time.
//
//   npx tsx bench/monorepo-peers.ts [--services 30] [--runs 3] [--cold-runs 2] [--warm-runs <runs>] [--rss 10,30]
//     [--dagger]
//
// Needs go, the Go module proxy, the local registry on 127.0.0.1:5000
// (scripts/services.sh up) and ko (scripts/ko.sh build); it rebuilds dist/ first.
// With --dagger, an engine from scripts/dagger-engine.sh env.
// Writes bench/results/monorepo-peers.md (or --out).
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { median } from './median.js'
import { loadNow } from './peers/arms.js'
import { pushBase } from './peers/base-image.js'
import { makeWorkspace, MODULE, touchHalf, touchService } from './monorepo-peers/workspace.js'
import { distinctLayerBytes } from './monorepo-peers/image-bytes.js'

const { values: opt } = parseArgs({
  options: {
    services: { type: 'string', default: '30' },
    runs: { type: 'string', default: '3' },
    'cold-runs': { type: 'string', default: '2' },
    'warm-runs': { type: 'string' },
    rss: { type: 'string', default: '10,30' },
    dagger: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results/monorepo-peers.md' },
  },
})
const repo = resolve(import.meta.dirname, '..')
const n = Number(opt.services)
const runs = Number(opt.runs)
const cores = availableParallelism()
const work = mkdtempSync(join(tmpdir(), 'gostatic-bench-mono-peers-'))
const log = (m: string) => process.stderr.write(`monorepo-peers: ${m}\n`)
const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim()
const goVersion = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim()
const loadBefore = loadNow()
const started = `${new Date().toISOString().slice(0, 16)}Z`

// dist/ from this checkout, so the CLI measured is the code beside this script.
execFileSync('node', ['scripts/build-dist.mjs'], { cwd: repo, stdio: 'inherit' })
const koPath = spawnSync(join(repo, 'scripts/ko.sh'), ['path'], { encoding: 'utf8' })
// Without ko (scripts/ko.sh build installs it) only gostatic's figures are written, and no ratio.
const ko = koPath.status === 0 ? koPath.stdout.trim() : null
if (ko === null) log('ko is not installed (scripts/ko.sh build): measuring gostatic only')
const base = await pushBase('127.0.0.1:5000', goroot)
writeFileSync(join(work, '.ko.yaml'), `defaultBaseImage: ${base}\n`)

type Side = 'gostatic' | 'ko' | 'changed' | 'dagger'
type Run = { ms: number; load: number; rssKiB: number | null; steps: Map<string, number> }
const modcache = join(work, 'modcache')
// SOURCE_DATE_EPOCH=0 for both sides (ko's default): else gostatic stamps a clean tree's last commit time, and a
// dirty one 0, so every commit or edit would change every image's timestamps (see the results file).
const baseEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GOMODCACHE: modcache,
  GOFLAGS: '-modcacherw',
  GOTOOLCHAIN: 'local',
  SOURCE_DATE_EPOCH: '0',
}
const envOf = (side: Side, tag: string): NodeJS.ProcessEnv => ({
  ...baseEnv,
  GOCACHE: join(work, `gocache-${side}-${tag}`),
  GOSTATIC_CACHE_DIR: join(work, `gscache-${side}-${tag}`),
  KO_CONFIG_PATH: work,
  KO_DOCKER_REPO: `127.0.0.1:5000/gostatic-bench/mono-ko-${process.pid}`,
})

function setupWorkspace(count: number): { root: string; dirs: string[] } {
  const root = join(work, `ws${count}`)
  const dirs = makeWorkspace(root, count, baseEnv)
  const config = (ws: string) =>
    `import { defineConfig, goWorkspace } from ${JSON.stringify(join(repo, 'dist/index.js'))}\n` +
    `export default defineConfig({ workspace: goWorkspace({ root: '.' })${ws} })\n`
  writeFileSync(join(root, 'gostatic.config.ts'), config(".discover('cmd/*')"))
  // The Dagger engine's namespace reaches no module proxy: vendored modules, and the builder stand-in from the
  // local registry (scripts/builder-image.sh) for golang:<ver>-alpine.
  const builder = `127.0.0.1:5000/gostatic/go-builder:${goVersion.replace(/^go(\d+\.\d+).*$/, '$1')}`
  const dagger = `.discover('cmd/*').vendor().defaults((s) => s.builderImage(${JSON.stringify(builder)}))`
  writeFileSync(join(root, 'gostatic.dagger.config.ts'), config(dagger))
  for (const a of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-qm', 'base']])
    execFileSync('git', ['-c', 'user.email=b@example.com', '-c', 'user.name=bench', ...a], { cwd: root })
  return { root, dirs }
}

/**
 * Where a gostatic run's time went, from its plain reporter: each step's ms summed over services (a go-build that
 * reused its output apart from one that ran go), the shared compile and the input hashing. Sums of parallel work.
 */
function stepTimes(stderr: string): Map<string, number> {
  const m = new Map<string, number>()
  const add = (k: string, ms: number) => m.set(k, (m.get(k) ?? 0) + ms)
  for (const line of stderr.split('\n')) {
    const step = /: ([a-z-]+) \((\d+) ms\)(.*)$/.exec(line)
    if (step) add(step[1] === 'go-build' && step[3]!.includes('go not run') ? 'go-build (reused)' : step[1]!, +step[2]!)
    const shared = /compiled \d+ services' packages together .* in (\d+) ms/.exec(line)
    if (shared) add('shared compile', +shared[1]!)
    const hashed = /inputs of \d+ of \d+ services hashed in (\d+) ms/.exec(line)
    if (hashed) add('input hashing', +hashed[1]!)
  }
  return m
}

/** Runs a command, polling the process's own high-water RSS (VmHWM) while it lives. */
async function timed(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const load = loadNow()
  const t0 = performance.now()
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  let rss: number | null = null
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
      if (m) rss = Math.max(rss ?? 0, Number(m[1]))
    } catch {
      // exited between polls
    }
  }, 50)
  const code = await new Promise<number | null>((ok) => child.on('close', ok))
  clearInterval(poll)
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${code}):\n${stderr.slice(-4000)}`)
  return { ms: performance.now() - t0, load, rssKiB: rss, steps: stepTimes(stderr) }
}

const gsArgs = (out: string, extra: string[] = []) =>
  [join(repo, 'bin/gostatic.js'), 'build', '.', '--runtime', base, '--out', out, '--reporter', 'plain', ...extra]
const koArgs = (out: string, dirs: string[]) =>
  ['build', '-j', String(cores), '--ldflags=-s -w', '--push=false', `--tarball=${join(out, 'ko.tar')}`,
    ...dirs.map((d) => `${MODULE}/${d}`)]

function runSide(side: Side, root: string, dirs: string[], tag: string): Promise<Run> {
  const out = join(work, `out-${side}`)
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  const env = envOf(side === 'changed' ? 'gostatic' : side, tag)
  const sides: Record<Side, () => Promise<Run>> = {
    gostatic: () => timed('node', gsArgs(out), root, env),
    changed: () => timed('node', gsArgs(out, ['--changed-since', 'HEAD']), root, env),
    dagger: () => timed('node', gsArgs(out, ['--engine', 'dagger', '--config', 'gostatic.dagger.config.ts']), root, env),
    ko: () => timed(ko!, koArgs(out, dirs), root, env),
  }
  return sides[side]()
}

const results = new Map<string, Run[]>()
const record = (caseName: string, side: Side, r: Run) => {
  results.set(`${caseName}|${side}`, [...(results.get(`${caseName}|${side}`) ?? []), r])
  log(`${caseName} ${side}: ${(r.ms / 1000).toFixed(1)} s (load ${r.load.toFixed(1)})`)
}
const commit = (root: string) =>
  execFileSync('git', ['-c', 'user.email=b@example.com', '-c', 'user.name=bench', 'commit', '-qam', 'change'], { cwd: root })

log(`generating ${n} services in ${work} (go get / go mod tidy through the module proxy)`)
const { root, dirs } = setupWorkspace(n)
// Modules are downloaded before any timing: "cold" is a cold build cache, not a cold network.
execFileSync('go', ['mod', 'download'], { cwd: root, env: baseEnv })

const pair = (k: number): Side[] => (ko === null ? ['gostatic'] : k % 2 ? ['ko', 'gostatic'] : ['gostatic', 'ko'])
const coldRuns = Number(opt['cold-runs'])
let gsBytes = 'not measured'
let koBytes = 'not measured'
const rssRows: string[] = []
const kib = (r: Run | undefined) => (r?.rssKiB == null ? 'n/a' : `${(r.rssKiB / 1024).toFixed(0)} MiB`)
const rssRow = (count: number, cold: Run | undefined, warm: Run | undefined) =>
  `| ${count} | ${kib(cold)} (load ${cold?.load.toFixed(1)}) | ${kib(warm)} (load ${warm?.load.toFixed(1)}) |`

for (let k = 0; k < coldRuns; k++)
  for (const side of pair(k)) record('cold', side, await runSide(side, root, dirs, `cold${k}`))
save()
// Warm: the caches the last cold run of each side filled.
const warmTag = `cold${coldRuns - 1}`
const warmRuns = Number(opt['warm-runs'] ?? runs)
for (let k = 0; k < warmRuns; k++)
  for (const side of pair(k)) record('warm', side, await runSide(side, root, dirs, warmTag))
save()
for (let k = 0; k < runs; k++) {
  // Each side gets a change of its own, so none builds on a cache another run already filled with it.
  for (const side of [...pair(k), 'changed'] as Side[]) {
    touchService(root, dirs[0]!, k * 10 + side.length)
    record('one service', side, await runSide(side, root, dirs, warmTag))
    commit(root)
  }
}
save()
for (let k = 0; k < runs; k++) {
  for (const side of [...pair(k), 'changed'] as Side[]) {
    touchHalf(root, k * 10 + side.length)
    record('shared by half', side, await runSide(side, root, dirs, warmTag))
    commit(root)
  }
}
// Image bytes: distinct layer blobs over all images of the last full build of each side (a shared base counts once).
const gsOut = join(work, 'out-gostatic')
gsBytes = String(
  await distinctLayerBytes(readdirSync(gsOut).filter((f) => f.endsWith('.tar')).map((f) => join(gsOut, f))),
)
if (ko !== null) koBytes = String(await distinctLayerBytes([join(work, 'out-ko', 'ko.tar')]))
save()

// Peak RSS of the gostatic process, cold and warm, at each workspace size: at N from the runs above.
for (const count of opt.rss.split(',').map(Number)) {
  if (count === n) {
    rssRows.push(rssRow(count, results.get('cold|gostatic')?.[0], results.get('warm|gostatic')?.[0]))
    continue
  }
  const ws = setupWorkspace(count)
  execFileSync('go', ['mod', 'download'], { cwd: ws.root, env: baseEnv })
  const cold = await runSide('gostatic', ws.root, ws.dirs, `rss${count}`)
  const warm = await runSide('gostatic', ws.root, ws.dirs, `rss${count}`)
  rssRows.push(rssRow(count, cold, warm))
  save()
}
save()
if (opt.dagger) {
  record('cold', 'dagger', await runSide('dagger', root, dirs, 'dagger'))
  save()
  record('warm', 'dagger', await runSide('dagger', root, dirs, 'dagger'))
  save()
}
process.stdout.write(report())
rmSync(work, { recursive: true, force: true })

function report(): string {
  const fmt = (rs: Run[] | undefined) => {
    if (!rs?.length) return '—'
    const loads = rs.map((r) => r.load)
    const range = `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`
    return `${(median(rs.map((r) => r.ms)) / 1000).toFixed(1)} s (load ${range})`
  }
  const ratio = (a: Run[] | undefined, b: Run[] | undefined) =>
    a?.length && b?.length ? (median(a.map((r) => r.ms)) / median(b.map((r) => r.ms))).toFixed(2) : '—'
  const cases = ['cold', 'warm', 'one service', 'shared by half']
  const rows = cases.map((c) => {
    const g = results.get(`${c}|gostatic`)
    const k = results.get(`${c}|ko`)
    const ch = results.get(`${c}|changed`)
    const d = results.get(`${c}|dagger`)
    return `| ${c} | ${fmt(g)} | ${fmt(k)} | ${ratio(g, k)} | ${fmt(ch)} | ${ratio(ch, k)} | ${fmt(d)} |`
  })
  const STEPS = ['input hashing', 'shared compile', 'go-build', 'go-build (reused)', 'check-needs', 'verify-static',
    'assemble-runtime']
  const medianRun = (rs: Run[]) => [...rs].sort((a, b) => a.ms - b.ms)[Math.floor((rs.length - 1) / 2)]!
  const stepRows = cases.flatMap((c) =>
    (['gostatic', 'changed'] as Side[]).flatMap((side) => {
      const rs = results.get(`${c}|${side}`)
      if (!rs?.length) return []
      const r = medianRun(rs)
      const cells = STEPS.map((k) => (r.steps.has(k) ? `${(r.steps.get(k)! / 1000).toFixed(1)}` : '—'))
      const name = `${c}${side === 'changed' ? ' (--changed-since)' : ''}`
      return [`| ${name} | ${(r.ms / 1000).toFixed(1)} | ${cells.join(' | ')} |`]
    }),
  )
  return [
    `# Monorepo: gostatic vs ko on ${n} services`,
    '',
    `Command: \`npx tsx bench/monorepo-peers.ts ${process.argv.slice(2).join(' ')}\`` +
      ` started ${started}, ${goVersion}, ${cores} cores (shared machine;` +
      ` 1-minute load average ${loadBefore.toFixed(1)} at the start, per-figure ranges below).`,
    `Workspace: one module, ${n} services (cmd/svcNN), 10 shared packages, pkg/half imported by the first half;`,
    'prometheus client_golang v1.20.5 and chi v5.1.0 from the module proxy (downloaded before timing).',
    `gostatic: \`node bin/gostatic.js build . --runtime <base> --out <dir> --reporter plain\` (local engine,` +
      ' config: goWorkspace discover cmd/*).',
    `ko v0.19.1: \`ko build -j ${cores} --ldflags=-s -w --push=false --tarball=<tar> <${n} import paths>\`.`,
    "Both on the same base image (gostatic's static base files, pushed to the local registry), each with its own",
    'GOCACHE (fresh per cold run; warm runs use the last cold run\'s caches) and SOURCE_DATE_EPOCH=0.',
    'Medians of the runs; the sides alternate and the order flips each round.',
    '"changed-since" is `gostatic build --changed-since HEAD` (the change is uncommitted).',
    'Dagger (reference, after the rest): `--engine dagger` with a config that vendors the modules (the engine\'s',
    'namespace reaches no module proxy) and the Debian go-builder stand-in from the local registry; the engine and',
    'its cache volumes are shared with other users of this machine, so "cold" is this workspace\'s first build there.',
    '',
    '| case | gostatic | ko | gostatic / ko | gostatic --changed-since | changed-since / ko | gostatic, Dagger |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Image bytes (distinct compressed layer blobs over all ${n} images): gostatic ${gsBytes}, ko ${koBytes}.`,
    '',
    "Where gostatic's time went (the median run of each case; seconds; steps summed over services, which run",
    'two at a time, so a column can exceed the wall time; "go-build" ran go, "go-build (reused)" did not):',
    '',
    `| case | wall | ${STEPS.join(' | ')} |`,
    `| --- | ---: | ${STEPS.map(() => '---:').join(' | ')} |`,
    ...stepRows,
    '',
    '| services | gostatic peak RSS, cold | warm |',
    '| ---: | ---: | ---: |',
    ...rssRows,
    '',
  ].join('\n')
}

/** Written after each phase, so a run stopped early still leaves what it measured. */
function save(): void {
  mkdirSync(resolve(repo, opt.out, '..'), { recursive: true })
  writeFileSync(resolve(repo, opt.out), report())
}
