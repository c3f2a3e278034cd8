// Benchmark: gostatic against ko v0.19.1 on examples/hello, node_exporter
// v1.8.2 and caddy v2.11.9 (issue 14). Both sides use the same Go (the
// host's, 1.26.8), the same runtime base (gostatic's static base files,
// pushed to the local registry: gostatic's --runtime <ref>, ko's
// defaultBaseImage) and the same GOCACHE. The sides alternate, and the order
// flips every round (A B, B A), so a burst of load on this shared machine
// lands on both; figures are medians with the 1-minute load average beside
// them. Nothing asserts a time.
//
//   npx tsx bench/peers.ts [--runs 5] [--cold-runs 2] [--services hello,node_exporter,caddy]
//                          [--phases cold,warm,change,load] [--max-load 3] [--max-wait 300]
//
// The load phase (`gostatic build --load` against `ko build -L`, after a
// one-line change) needs the Docker daemon at DOCKER_HOST; run on its own
// (--phases load) it replaces only its section of bench/results/peers.md.
//
// Needs go, the Go module proxy, the local registry on 127.0.0.1:5000
// (scripts/services.sh up) and ko (installed by scripts/ko.sh build when
// missing; without it only gostatic's figures are written).
// Writes bench/results/peers.md.
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { readOciArchive } from '../src/oci/oci-reader.js'
import { consumerProject, npmEnv, packCheckout } from '../test/support/pack.js'
import { pushBase } from './peers/base-image.js'
import { arms, loadNow, outputs, type Arm, type ArmName, type ArmSetup } from './peers/arms.js'
import { bytesTable, phaseTable, stepTable, type Cell, type Phase, type ServiceResult } from './peers/report.js'
import { edit, prepareServices, type Service } from './peers/services.js'
import { loadSection, withLoadSection } from './peers/load-report.js'

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'cold-runs': { type: 'string', default: '2' },
    services: { type: 'string', default: 'hello,node_exporter,caddy' },
    phases: { type: 'string', default: 'cold,warm,change' },
    'max-load': { type: 'string', default: '' },
    'max-wait': { type: 'string', default: '300' },
  },
})
const repo = resolve(import.meta.dirname, '..')
const work = mkdtempSync(join(tmpdir(), 'gostatic-bench-peers-'))
const log = (m: string) => process.stderr.write(`peers: ${m}\n`)
const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim()
const goVersion = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim()
const phases = opt.phases.split(',') as Phase[]
const loadBefore = loadNow()
let waitedOut = 0 // rounds that started above --max-load because the wait ran out

/** ko from its versioned cache folder, installed through the module proxy when missing. */
function findKo(): string | null {
  const path = () => spawnSync(join(repo, 'scripts/ko.sh'), ['path'], { encoding: 'utf8' })
  let r = path()
  if (r.status !== 0) {
    log('ko v0.19.1 is not installed; installing it through the Go module proxy (scripts/ko.sh build)')
    spawnSync(join(repo, 'scripts/ko.sh'), ['build'], { stdio: 'inherit' })
    r = path()
  }
  if (r.status === 0) return r.stdout.trim()
  log('ko is missing and could not be installed: only gostatic is measured')
  return null
}

/** Waits (up to --max-wait seconds) for the load average to drop below --max-load before a round. */
function waitForLoad(): void {
  const max = Number(opt['max-load'])
  if (!max) return
  const until = Date.now() + Number(opt['max-wait']) * 1000
  while (loadNow() > max && Date.now() < until) spawnSync('sleep', ['15'])
  if (loadNow() > max) waitedOut++
}

// gostatic as a user has it: this checkout packed and installed, with tsx for pipeline.ts.
log('packing this checkout and installing it, with tsx, into a consumer project')
const tsxVersion = (JSON.parse(readFileSync(join(repo, 'node_modules/tsx/package.json'), 'utf8')) as { version: string }).version
const consumer = consumerProject(join(work, 'consumer'), { type: 'module' }, [packCheckout(work), `tsx@${tsxVersion}`])
cpSync(join(repo, 'bench/peers/pipeline.ts'), join(consumer, 'pipeline.ts'))
const ko = findKo()
const base = await pushBase('127.0.0.1:5000', goroot)
const koConfig = join(work, 'ko-config')
mkdirSync(koConfig)
writeFileSync(join(koConfig, '.ko.yaml'), `defaultBaseImage: ${base}\n`)
const setup: ArmSetup = { consumer, ko, base, out: join(work, 'out') }
mkdirSync(setup.out)
const all = arms(setup)
const env = (gocache: string, gsCache: string): NodeJS.ProcessEnv => ({
  ...npmEnv(),
  GOCACHE: gocache,
  GOSTATIC_CACHE_DIR: gsCache,
  GOFLAGS: '',
  KO_CONFIG_PATH: koConfig,
  KO_DOCKER_REPO: `127.0.0.1:5000/gostatic-bench/ko-${process.pid}`,
  ...(process.env['DOCKER_HOST'] ? { DOCKER_HOST: process.env['DOCKER_HOST'] } : {}),
})
const warmEnv = env(join(work, 'gocache'), join(work, 'gostatic-cache'))

function cold(s: Service, r: ServiceResult, runs: number): void {
  const cell: Cell = {}
  const sides: Arm[] = ko ? [all.cli, all.ko] : [all.cli]
  for (let k = 0; k < runs; k++) {
    for (const arm of k % 2 ? [...sides].reverse() : sides) {
      waitForLoad()
      const dir = join(work, `cold-${arm.name}-${k}`)
      log(`${s.name} cold ${k + 1}/${runs}: ${arm.label}`)
      ;(cell[arm.name] ??= []).push(arm.run(s, env(join(dir, 'gocache'), join(dir, 'gostatic-cache'))))
      rmSync(dir, { recursive: true, force: true })
    }
  }
  r.phases.cold = cell
}

let editNo = 0
function rounds(s: Service, r: ServiceResult, phase: 'warm' | 'change', runs: number): void {
  const names: ArmName[] = ko ? ['cli', 'ko', 'api', 'koDefault', 'tsx'] : ['cli', 'api', 'tsx']
  const cell: Cell = {}
  for (let i = 0; i < runs; i++) {
    waitForLoad()
    for (const name of i % 2 ? [...names].reverse() : names) {
      if (phase === 'change' && name !== 'tsx') edit(s, ++editNo)
      log(`${s.name} ${phase} ${i + 1}/${runs}: ${all[name].label}`)
      ;(cell[name] ??= []).push(all[name].run(s, warmEnv))
    }
  }
  r.phases[phase] = cell
}

/** `gostatic build --load` against `ko build -L`, each run after a one-line edit, alternating, order flipped. */
function loadRounds(s: Service, r: ServiceResult, runs: number): void {
  const names: ArmName[] = ko ? ['cliLoad', 'koLoad'] : ['cliLoad']
  for (const name of names) all[name].run(s, warmEnv) // untimed warm-up
  const cell: Cell = {}
  for (let i = 0; i < runs; i++) {
    waitForLoad()
    for (const name of i % 2 ? [...names].reverse() : names) {
      edit(s, ++editNo)
      log(`${s.name} load ${i + 1}/${runs}: ${all[name].label}`)
      ;(cell[name] ??= []).push(all[name].run(s, warmEnv))
    }
  }
  r.phases.load = cell
}

async function imageBytes(path: string): Promise<number> {
  const a = await readOciArchive(path)
  return a.images[0]!.layers.reduce((n, l) => n + l.size, 0)
}

const services = prepareServices(opt.services.split(','), repo, join(work, 'src'))
const results: ServiceResult[] = []
for (const s of services) {
  const r: ServiceResult = { name: s.name, origin: s.origin, phases: {}, bytes: null }
  results.push(r)
  if (phases.includes('cold')) cold(s, r, Number(opt['cold-runs']))
  if (phases.includes('load')) loadRounds(s, r, Number(opt.runs))
  if (!phases.includes('warm') && !phases.includes('change')) continue
  // Untimed warm-up: every side builds once on the shared GOCACHE.
  for (const name of (ko ? ['cli', 'api', 'ko', 'koDefault'] : ['cli', 'api']) as ArmName[]) all[name].run(s, warmEnv)
  if (phases.includes('warm')) rounds(s, r, 'warm', Number(opt.runs))
  if (phases.includes('change')) rounds(s, r, 'change', Number(opt.runs))
  const out = outputs(setup, s)
  if (ko) r.bytes = { gostatic: await imageBytes(out.gostatic), ko: await imageBytes(out.ko), koDefault: await imageBytes(out.koDefault) }
}
// ko -L leaves one ko.local image per build; this run's go (gostatic's tags are overwritten in place).
const koImages = spawnSync('docker', ['images', '-q', '--filter', 'reference=ko.local/*'], { encoding: 'utf8', env: process.env })
const koIds = [...new Set(koImages.stdout?.split('\n').filter(Boolean) ?? [])]
if (koIds.length) spawnSync('docker', ['rmi', '-f', ...koIds], { stdio: 'ignore', env: process.env })

const command = `npx tsx bench/peers.ts ${process.argv.slice(2).join(' ')}`.trim()
const lines = [
  '# gostatic against ko: cold, warm, after a one-line change, image bytes',
  '',
  `Command: \`${command}\` on ${new Date().toISOString().slice(0, 10)}, ${goVersion}, node ${process.version}, ${cpus().length} cores,`,
  `ko ${ko ? 'v0.19.1 (scripts/ko.sh)' : 'MISSING: not measured'}.` +
    ` Load average (1 min) ${loadBefore.toFixed(1)} before, ${loadNow().toFixed(1)} after;` +
    " the machine is shared with other engineers' test runs." +
    (opt['max-load']
      ? ` Rounds waited for a load below ${opt['max-load']} (up to ${opt['max-wait']} s); ${waitedOut} started above it anyway.`
      : ''),
  '',
  `Services: ${results.map((r) => `${r.name} (${r.origin})`).join(', ')}.`,
  `Base for both: gostatic's static base files pushed to the local registry (\`${base.replace(/@sha256:.*/, '@sha256:…')}\`).`,
  '',
  'gostatic is this checkout packed with `npm pack` and installed, with tsx, into a consumer project, as a user has it.',
  'Commands (ko in the service folder, gostatic in the consumer project):',
  '',
  ...(['cli', 'api', 'tsx', 'ko', 'koDefault'] as const).map((a) => `- ${all[a].label}: \`${all[a].command(services[0]!)}\``),
  '',
  ...phases.filter((p) => p !== 'load').flatMap((p) => [...phaseTable(p, results), ...stepTable(p, results)]),
  ...(ko && results.some((r) => r.bytes) ? bytesTable(results) : []),
]
const loadLines = phases.includes('load')
  ? loadSection(results, lines.slice(2, 7), [
      `- ${all.cliLoad.label}: \`${all.cliLoad.command(services[0]!)}\``,
      `- ${all.koLoad.label}: \`${all.koLoad.command(services[0]!)}\` (in the service folder)`,
      `- DOCKER_HOST=${process.env['DOCKER_HOST'] ?? '(default)'}; gostatic's binary layer goes in uncompressed ` +
        '(bench/results/load-compression.md), ko -L sends gzip layers',
    ])
  : []
const file = join(repo, 'bench/results/peers.md')
const onlyLoad = phases.every((p) => p === 'load')
mkdirSync(join(repo, 'bench/results'), { recursive: true })
const text = onlyLoad
  ? withLoadSection(existsSync(file) ? readFileSync(file, 'utf8') : '', loadLines)
  : [...lines, ...loadLines].join('\n')
writeFileSync(file, text)
process.stdout.write(onlyLoad ? loadLines.join('\n') : text)
rmSync(work, { recursive: true, force: true })
