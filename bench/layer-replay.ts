// How long replaying a base image's layers takes as the file count grows:
// one gzipped layer of N small files, replayed into the image tree the needs
// check reads (openBuiltLayersTree(...).files()), median of 5 runs per N.
// Run: npx tsx bench/layer-replay.ts. Writes bench/results/layer-replay.md.
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { buildLayer, type LayerEntry } from '../src/oci/layer.js'
import { openBuiltLayersTree } from '../src/oci/image-tree.js'
import { median } from './median.js'

const SIZES = [20_000, 60_000, 100_000]
const RUNS = 5

function entries(n: number): LayerEntry[] {
  const out: LayerEntry[] = []
  for (let i = 0; i < n; i++) {
    if (i % 1000 === 0) out.push({ path: `/data/d${i / 1000}`, type: 'dir', mode: 0o755 })
    out.push({
      path: `/data/d${Math.floor(i / 1000)}/f${i}`,
      type: 'file',
      mode: 0o644,
      content: Buffer.from(`${i}\n`),
    })
  }
  return out
}

const rows: string[] = []
for (const n of SIZES) {
  const layer = await buildLayer(entries(n))
  const ms: number[] = []
  const cpu: number[] = []
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    const files = await (await openBuiltLayersTree([layer])).files()
    const c = process.cpuUsage(c0)
    ms.push(performance.now() - t0)
    cpu.push((c.user + c.system) / 1000)
    if (files.entries.size < n) throw new Error(`replay lost entries: ${files.entries.size} of ${n}`)
  }
  rows.push(
    `| ${n.toLocaleString('en')} | ${(layer.size / 1024).toFixed(0)} KiB | ${median(ms).toFixed(0)} ms | ${median(cpu).toFixed(0)} ms |`,
  )
  console.log(rows.at(-1))
}
const out = [
  '# Layer replay',
  '',
  'Command: `npx tsx bench/layer-replay.ts`',
  '',
  `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ` +
    `load average ${loadavg()[0]!.toFixed(1)} when it finished (other work on the machine inflates every figure).`,
  '',
  `One gzipped layer of N small files replayed into the image tree (median of ${RUNS} runs). ` +
    'CPU is process.cpuUsage() over the replay (all threads, gunzip included): less swayed by the load than the clock.',
  '',
  '| files | layer (gzipped) | replay (wall) | replay (CPU) |',
  '| --- | --- | --- | --- |',
  ...rows,
  '',
]
writeFileSync(new URL('./results/layer-replay.md', import.meta.url), out.join('\n'))
