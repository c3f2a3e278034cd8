// Benchmark: `gostatic build` on the local engine, warm and with no change,
// against the raw `go build` + `strip` it runs (issue: target <= 1.10x,
// median of repeated runs), and the image size against its payload
// (stripped binary + CA bundle + zoneinfo; target <= 1.02x).
//
//   npx tsx bench/local-build.ts [runs]
//
// Writes bench/results/local-build.md.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { hello } from '../examples/hello/pipeline.js'
import { caBundle } from '../src/engines/runtime-files.js'
import { zipEntries } from '../src/util/zip-entries.js'
import { median } from './median.js'

const runs = Number(process.argv[2] ?? 15)
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-bench-'))
const plan = hello.plan()
const t = plan.targets[0]!
const src = resolve(plan.source.dir)

function time(fn: () => void): number {
  const t0 = performance.now()
  fn()
  return performance.now() - t0
}
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd = src) {
  const r = spawnSync(cmd, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`)
}

// The raw equivalent: exactly the plan's env and go args, then strip.
const rawBin = join(tmp, 'raw', 'hello')
const raw = () => {
  run('go', [...t.goArgs, '-o', rawBin, t.package], { ...process.env, ...t.env })
  run('strip', [...t.strip!.args, rawBin])
}
const cli = () => run('node', [resolve('bin/gostatic.js'), 'build', src, '--engine', 'local', '--strip', '--timezones', 'Europe/Berlin,Asia/Shanghai,America/New_York', '--out', join(tmp, 'cli.tar'), '--json'], process.env, process.cwd())

// Warm everything once.
raw()
cli()
const api = async () => {
  const t0 = performance.now()
  const r = await hello.build({ engine: 'local', reporter: 'silent' })
  await r.exportTarball(join(tmp, 'api.tar'))
  return performance.now() - t0
}
await api()

const rawT: number[] = []
const cliT: number[] = []
const apiT: number[] = []
for (let i = 0; i < runs; i++) {
  rawT.push(time(raw))
  cliT.push(time(cli))
  apiT.push(await api())
}

// Payload: what the image must carry at minimum.
const r = await hello.build({ engine: 'local', reporter: 'silent' })
const archive = await r.exportTarball(join(tmp, 'size.tar'))
const binary = r.report.targets[0]!.sizes.final
const ca = Buffer.byteLength(caBundle())
const zones = ['Europe/Berlin', 'Asia/Shanghai', 'America/New_York']
const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim()
const zipFile = join(goroot, 'lib/time/zoneinfo.zip')
const zip = zipEntries(readFileSync(zipFile), zipFile, (name) => zones.includes(name))
const tz = [...zip.values()].reduce((n, b) => n + b.length, 0)
const payload = binary + ca + tz
const image = r.report.targets[0]!.imageBytes

const m = { raw: median(rawT), cli: median(cliT), api: median(apiT) }
const go = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim()
const lines = [
  '# Local engine: warm build with no change',
  '',
  `Command: \`npx tsx bench/local-build.ts ${runs}\` on ${new Date().toISOString().slice(0, 10)}, ${go}, node ${process.version}, 2 cores.`,
  `Service: examples/hello (plan: ${t.goArgs.join(' ')}; strip; static base with 3 zones). Median of ${runs} runs each, interleaved.`,
  '',
  '| what | median ms | vs raw |',
  '| --- | ---: | ---: |',
  `| raw: \`go build\` (plan env and args) + \`strip --strip-unneeded\` | ${m.raw.toFixed(0)} | 1.00x |`,
  `| gostatic API in-process: \`build({ engine: 'local' })\` + \`exportTarball\` | ${m.api.toFixed(0)} | ${(m.api / m.raw).toFixed(2)}x |`,
  `| gostatic CLI: \`node bin/gostatic.js build ... --engine local\` (includes node start-up) | ${m.cli.toFixed(0)} | ${(m.cli / m.raw).toFixed(2)}x |`,
  '',
  'Target: at most 1.10x.',
  '',
  '## Image size against payload',
  '',
  '| part | bytes |',
  '| --- | ---: |',
  `| stripped binary | ${binary} |`,
  `| CA bundle (Node root store) | ${ca} |`,
  `| zoneinfo (3 zones) | ${tz} |`,
  `| payload total (uncompressed) | ${payload} |`,
  `| image layers (gzip, as stored and pulled) | ${image} |`,
  `| OCI archive file on disk (all blobs + JSON) | ${archive.size} |`,
  '',
  `Image layers / payload: ${(image / payload).toFixed(3)}x (target at most 1.02x). Uncompressed layer tars: ${r.images[0]!.layers.length} layers.`,
  '',
]
writeFileSync('bench/results/local-build.md', lines.join('\n'))
console.log(lines.join('\n'))
