// Benchmark: should an image that is only loaded into a Docker daemon have its
// binary layer gzipped? Times, for one Go binary, building the layer (gzip'd
// as for a registry, or an uncompressed tar) and streaming it into the daemon
// at DOCKER_HOST with load(), the way `gostatic build --load` does. The two
// sides alternate (order flipped every round) and each round's image is
// removed, so the daemon extracts every layer anew. Nothing asserts a time.
//
//   npx tsx bench/load-compression.ts [--runs 5] [--binary /var/cache/gostatic/ko-v0.19.1/ko]
//
// Needs a Docker daemon (eval "$(scripts/services.sh env)"). Writes bench/results/load-compression.md.
import { execFileSync } from 'node:child_process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { buildLayer } from '../src/oci/layer.js'
import { writeDockerArchive } from '../src/oci/docker-archive.js'
import { dockerLoad } from '../src/image/docker-load.js'
import { median } from './median.js'

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    binary: { type: 'string', default: '/var/cache/gostatic/ko-v0.19.1/ko' },
  },
})
const repo = resolve(import.meta.dirname, '..')
const bytes = readFileSync(opt.binary)
type Side = 'gzip' | 'none'
type Run = { layer: number; load: number; size: number }
const runs: Record<Side, Run[]> = { gzip: [], none: [] }
const loadBefore = loadavg()[0]!

async function once(side: Side, round: number): Promise<Run> {
  const tag = `gostatic.bench/load-compression-${process.pid}:${side}-${round}`
  // A file that differs per round, so each round's layer is new to the daemon, as after a one-line change.
  const round_ = { path: '/round', type: 'file' as const, mode: 0o644, content: Buffer.from(`${side} ${round}\n`) }
  const t0 = performance.now()
  const layer = await buildLayer([{ path: '/app', type: 'file', mode: 0o755, content: bytes }, round_], {
    compress: side === 'gzip',
  })
  const t1 = performance.now()
  const image = {
    platform: { os: 'linux', architecture: 'amd64' },
    layers: [layer],
    config: { Entrypoint: ['/app'] },
  }
  await dockerLoad((sink) => writeDockerArchive(sink, [image], { refName: tag }))
  const t2 = performance.now()
  execFileSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' })
  return { layer: t1 - t0, load: t2 - t1, size: layer.size }
}

const n = Number(opt.runs)
await once('gzip', -1) // untimed warm-up of both paths
await once('none', -1)
for (let i = 0; i < n; i++) {
  for (const side of (i % 2 ? ['none', 'gzip'] : ['gzip', 'none']) as Side[]) runs[side].push(await once(side, i))
}
const ms = (xs: number[]) => `${median(xs).toFixed(0)} ms`
const row = (side: Side) => {
  const r = runs[side]
  const total = r.map((x) => x.layer + x.load)
  return `| ${side} | ${r[0]!.size} | ${ms(r.map((x) => x.layer))} | ${ms(r.map((x) => x.load))} | ${ms(total)} |`
}
const lines = [
  '# Loading into a Docker daemon: gzip the binary layer or not',
  '',
  `Command: \`npx tsx bench/load-compression.ts ${process.argv.slice(2).join(' ')}\`` +
    ` on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, node ${process.version},` +
    ` dockerd ${execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' }).trim()}` +
    ` at ${process.env['DOCKER_HOST'] ?? 'the default socket'}.`,
  `Binary: \`${opt.binary}\` (${statSync(opt.binary).size} bytes, a Go binary). Load average (1 min)` +
    ` ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after; the machine is shared.`,
  '',
  'Per side, n=' + n + ' paired rounds, medians. "layer" builds the layer (tar, hashes, gzip when asked);',
  '"load" streams manifest.json, config and layer into POST /images/load and waits for the daemon to answer.',
  '',
  '| layer | bytes | layer | load | layer + load |',
  '| --- | ---: | ---: | ---: | ---: |',
  row('gzip'),
  row('none'),
  '',
]
writeFileSync(join(repo, 'bench/results/load-compression.md'), lines.join('\n'))
process.stdout.write(lines.join('\n'))
