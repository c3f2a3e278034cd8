// Benchmark: goWorkspace builds of 1, 3 and 5 services, cold (empty
// GOCACHE) and warm, against the slowest single service built alone, and
// against building the services one by one with the same engine.
// Target (issue): workspace wall time at most 1.5x the slowest single service, cold.
//
//   npx tsx bench/monorepo.ts
//
// Writes bench/results/monorepo.md. Module downloads are not part of "cold":
// the synthetic services use the standard library only.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { goWorkspace } from '../src/index.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-bench-mono-'))
const imports = ['net/http', 'encoding/json', 'crypto/tls', 'database/sql', 'text/template', 'compress/gzip', 'image/png']

function makeWorkspace(n: number): string {
  const root = join(tmp, `ws${n}`)
  mkdirSync(root, { recursive: true })
  writeFileSync(join(root, 'go.mod'), 'module example.com/bench\n\ngo 1.22\n')
  for (let i = 0; i < n; i++) {
    const dir = join(root, 'cmd', `svc${i}`)
    mkdirSync(dir, { recursive: true })
    // Each service pulls in a different mix of standard packages, as real services do.
    const mine = imports.filter((_, j) => j <= 2 || j % n === i % n)
    const uses = mine.map((p) => `var _ = ${useOf(p)}`).join('\n')
    writeFileSync(join(dir, 'main.go'), `package main\n\nimport (\n\t"fmt"\n${mine.map((p) => `\t"${p}"`).join('\n')}\n)\n\n${uses}\n\nfunc main() { fmt.Println("svc${i}") }\n`)
  }
  return root
}

function useOf(p: string): string {
  const uses: Record<string, string> = {
    'net/http': 'http.ListenAndServe', 'encoding/json': 'json.Marshal', 'crypto/tls': 'tls.Dial', 'database/sql': 'sql.Open',
    'text/template': 'template.New', 'compress/gzip': 'gzip.NewReader', 'image/png': 'png.Decode',
  }
  return uses[p]!
}

async function wall(root: string, dirs: string[], concurrency: number, gocache: string): Promise<number> {
  const env = { ...process.env, GOCACHE: gocache }
  const t0 = performance.now()
  const r = await goWorkspace({ root }).services(dirs).build({ engine: 'local', concurrency, env, cacheDir: null, reporter: 'silent' })
  if (!r.ok) throw new Error(r.services.map((s) => (s.ok ? '' : s.error.message)).join('\n'))
  return performance.now() - t0
}

const fresh = () => mkdtempSync(join(tmp, 'gocache-'))
const rows: string[] = []
const cores = availableParallelism()
for (const n of [1, 3, 5]) {
  const root = makeWorkspace(n)
  const dirs = Array.from({ length: n }, (_, i) => `cmd/svc${i}`)
  const singles: number[] = []
  for (const d of dirs) singles.push(await wall(root, [d], 1, fresh()))
  const slowest = Math.max(...singles)
  const coldCache = fresh()
  const cold = await wall(root, dirs, cores, coldCache)
  const warm = await wall(root, dirs, cores, coldCache)
  const seqCold = await wall(root, dirs, 1, fresh())
  rows.push(`| ${n} | ${(slowest / 1000).toFixed(1)} | ${(cold / 1000).toFixed(1)} | ${(cold / slowest).toFixed(2)}x | ${(seqCold / 1000).toFixed(1)} | ${(warm / 1000).toFixed(1)} |`)
  console.log(rows.at(-1))
}
const go = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim()
const text = [
  '# Workspace builds: parallel and shared cache vs the slowest single service',
  '',
  `Command: \`npx tsx bench/monorepo.ts\` on ${new Date().toISOString().slice(0, 10)}, ${go}, ${cores} cores, local engine, linux/amd64, static base.`,
  'Synthetic services: a stdlib-only module with N main packages, each importing net/http, encoding/json, crypto/tls plus others.',
  '"cold" = an empty GOCACHE for that run; the layer cache is off. Each figure is one run (seconds).',
  '',
  '| services | slowest single, cold | workspace, cold | ratio (target <= 1.5x) | one by one, cold | workspace, warm |',
  '| ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows,
  '',
]
writeFileSync('bench/results/monorepo.md', text.join('\n'))
console.log(text.join('\n'))
rmSync(tmp, { recursive: true, force: true })
