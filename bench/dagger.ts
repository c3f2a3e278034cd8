// Benchmark: the Dagger engine on examples/hello, cold (fresh cache volumes,
// never-built source), warm after a source change (cache volumes reused), and
// warm with no change (everything reused), against the local engine.
//
//   eval "$(scripts/dagger-engine.sh env)" && npx tsx bench/dagger.ts [runs]
//
// Writes bench/results/dagger.md. The builder image is the Debian stand-in
// for golang:<ver>-alpine (scripts/builder-image.sh).
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { execFileSync } from 'node:child_process'
import { goService } from '../src/index.js'
import { median } from './median.js'

const runs = Number(process.argv[2] ?? 3)
const goMinor = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim().replace(/^go(\d+\.\d+).*$/, '$1')
const builder = `127.0.0.1:5000/gostatic/go-builder:${goMinor}`
const src = mkdtempSync(join(tmpdir(), 'gostatic-bench-dagger-'))
cpSync(resolve('examples/hello'), src, { recursive: true })
const main = join(src, 'main.go')
const original = readFileSync(main, 'utf8')
// A new constant changes the main package, so go must compile it again.
const variant = (tag: string) => writeFileSync(main, `${original}\nconst benchVariant = "${tag}"\n\nvar _ = benchVariant\n`)
const svc = goService({ name: 'hello', source: src }).builderImage(builder).strip().timezones(['Europe/Berlin'])

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}
const stamp = Date.now().toString(36)
const cold: number[] = []
const warmChange: number[] = []
const warmSame: number[] = []
const local: number[] = []
for (let i = 0; i < runs; i++) {
  const key = `bench-${stamp}-${i}`
  variant(`${key}-a`)
  cold.push(await timed(() => svc.build({ engine: 'dagger', cacheKey: key, reporter: 'silent' })))
  variant(`${key}-b`)
  warmChange.push(await timed(() => svc.build({ engine: 'dagger', cacheKey: key, reporter: 'silent' })))
  warmSame.push(await timed(() => svc.build({ engine: 'dagger', cacheKey: key, reporter: 'silent' })))
  variant(`${key}-c`)
  local.push(await timed(() => svc.build({ engine: 'local', reporter: 'silent' })))
}
const s = (x: number) => (x / 1000).toFixed(2)
const m = { cold: median(cold), warmChange: median(warmChange), warmSame: median(warmSame), local: median(local) }
const text = [
  '# Dagger engine: cold and warm builds',
  '',
  `Command: \`npx tsx bench/dagger.ts ${runs}\` on ${new Date().toISOString().slice(0, 10)}, Dagger engine v0.21.8 built by scripts/dagger-engine.sh, SDK @dagger.io/dagger 0.21.9, go${goMinor}, 2 cores.`,
  'examples/hello with strip and one zone; builder: the Debian go-builder stand-in. Median of the runs in seconds; every run in the last column.',
  '',
  '| build | median s | runs |',
  '| --- | ---: | --- |',
  `| dagger, cold: fresh cache volumes, new source | ${s(m.cold)} | ${cold.map(s).join(', ')} |`,
  `| dagger, warm: same cache volumes, source changed | ${s(m.warmChange)} | ${warmChange.map(s).join(', ')} |`,
  `| dagger, warm: no change | ${s(m.warmSame)} | ${warmSame.map(s).join(', ')} |`,
  `| local engine, source changed (for scale) | ${s(m.local)} | ${local.map(s).join(', ')} |`,
  '',
  `The warm build after a source change takes ${((m.warmChange / m.cold) * 100).toFixed(0)}% of the cold one: the module and build cache volumes keep the standard library and dependencies compiled, so only the changed package compiles and links. With no change, Dagger reuses every step: ${((m.warmSame / m.cold) * 100).toFixed(0)}% of cold.`,
  '',
]
writeFileSync('bench/results/dagger.md', text.join('\n'))
console.log(text.join('\n'))
