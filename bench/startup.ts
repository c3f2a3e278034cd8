// Benchmark: start-up and footprint of the installed package, against
// today's main before it shipped compiled JS (887991f: TypeScript sources run
// through tsx, the Dagger SDK a hard dependency). Both are packed with
// `npm pack` and installed from the tarball into fresh projects; each command
// runs from there, new and main alternating, and the medians are reported.
// Targets (issue 12): --version < 150 ms, plan < 300 ms, import < 150 ms,
// installed size without the Dagger peer < 15 MB.
//
//   npx tsx bench/startup.ts [runs]
//
// Needs git, npm and network access to the npm registry for what npm's cache
// lacks. Writes bench/results/startup.md.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { consumerProject, npm, packCheckout } from '../test/support/pack.js'

const BASELINE = '887991f'
const runs = Number(process.argv[2] ?? 21)
const repo = resolve(import.meta.dirname, '..')
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-bench-startup-'))
const hello = join(repo, 'examples/hello')

// Today's main in a clone of its own (not a worktree of this repo), installed as its lock says.
const mainTree = join(tmpdir(), `gostatic-bench-main-${BASELINE}`)
if (!existsSync(join(mainTree, 'node_modules'))) {
  const gitDir = execFileSync('git', ['rev-parse', '--git-common-dir'], { cwd: repo, encoding: 'utf8' }).trim()
  execFileSync('git', ['clone', '-q', resolve(repo, gitDir), mainTree])
  execFileSync('git', ['checkout', '-q', BASELINE], { cwd: mainTree })
  npm(mainTree, ['ci', '--prefer-offline'])
}
const load = loadavg().map((l) => l.toFixed(1))
const projects = {
  new: consumerProject(join(tmp, 'new'), { type: 'module' }, [packCheckout(tmp)]),
  main: consumerProject(join(tmp, 'main'), { type: 'module' }, [packCheckout(tmp, mainTree)]),
}
type Which = keyof typeof projects

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
function timed(which: Which, args: string[]): number | string {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, args, { cwd: projects[which], encoding: 'utf8' })
  const ms = performance.now() - t0
  return r.status === 0 ? ms : `fails: ${(r.stderr.match(/\w*Error[^\n]*/)?.[0] ?? r.stderr.trim().split('\n')[0] ?? '').slice(0, 110)}`
}

const bin = 'node_modules/gostatic/bin/gostatic.js'
const cases: { what: string; cmd: string; args: Partial<Record<Which, string[]>>; target: number }[] = [
  { what: 'node starting and exiting (the floor under every row)', cmd: 'node --input-type=module -e 0', args: { new: ['--input-type=module', '-e', '0'] }, target: NaN },
  { what: '`gostatic --version`', cmd: `node ${bin} --version`, args: { new: [bin, '--version'], main: [bin, '--version'] }, target: 150 },
  { what: '`gostatic plan examples/hello`', cmd: `node ${bin} plan <repo>/examples/hello`, args: { new: [bin, 'plan', hello], main: [bin, 'plan', hello] }, target: 300 },
  { what: "`import 'gostatic'` in plain node", cmd: `node --input-type=module -e "import 'gostatic'"`, args: { new: ['--input-type=module', '-e', "import 'gostatic'"], main: ['--input-type=module', '-e', "import 'gostatic'"] }, target: 150 },
  { what: "`import 'gostatic'` with tsx registered (what main needs)", cmd: `node --import tsx --input-type=module -e "import 'gostatic'"`, args: { main: ['--import', 'tsx', '--input-type=module', '-e', "import 'gostatic'"] }, target: NaN },
]

const sidesOf = (c: (typeof cases)[number]) => (['new', 'main'] as const).filter((w) => c.args[w] !== undefined)
const times = cases.map(() => ({ new: [], main: [] }) as Record<Which, (number | string)[]>)
for (const c of cases) for (const w of sidesOf(c)) timed(w, c.args[w]!)
// Every round runs every row, so a burst of load on this shared machine lands on all rows alike;
// the sides alternate which goes first, so neither always runs on a cache the other warmed.
for (let i = 0; i < runs; i++) {
  for (const [k, c] of cases.entries()) {
    const sides = sidesOf(c)
    for (const w of i % 2 ? [...sides].reverse() : sides) times[k]![w].push(timed(w, c.args[w]!))
  }
}
const fig = (xs: (number | string)[]) =>
  xs.length === 0 ? 'n/a' : xs.every((x) => typeof x === 'number') ? `${median(xs as number[]).toFixed(0)} ms` : String(xs.find((x) => typeof x === 'string'))
const results = cases.map((c, k) => {
  const t = times[k]!
  const newMs = t.new.length > 0 && t.new.every((x) => typeof x === 'number') ? median(t.new as number[]) : NaN
  return { ...c, new: fig(t.new), main: fig(t.main), newMs }
})

/** Bytes of every file under dir (what `du --apparent-size` counts), symlinks not followed. */
function bytesUnder(dir: string): number {
  return readdirSync(dir).reduce((sum, n) => {
    const p = join(dir, n)
    const s = lstatSync(p)
    return sum + (s.isDirectory() ? bytesUnder(p) : s.isFile() ? s.size : 0)
  }, 0)
}
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`
const size = { new: bytesUnder(join(projects.new, 'node_modules')), main: bytesUnder(join(projects.main, 'node_modules')) }
const top = readdirSync(join(projects.new, 'node_modules'))
  .flatMap((n) => (n.startsWith('@') ? readdirSync(join(projects.new, 'node_modules', n)).map((m) => `${n}/${m}`) : n.startsWith('.') ? [] : [n]))
  .map((n) => ({ n, b: bytesUnder(join(projects.new, 'node_modules', n)) }))
  .sort((a, b) => b.b - a.b)
// npm's hidden lockfile lists every package it installed.
const count = (w: Which) => Object.keys((JSON.parse(readFileSync(join(projects[w], 'node_modules/.package-lock.json'), 'utf8')) as { packages: object }).packages).length
const dagger = (w: Which) => existsSync(join(projects[w], 'node_modules/@dagger.io/dagger'))

const lines = [
  '# Start-up and installed footprint',
  '',
  `Command: \`npx tsx bench/startup.ts ${runs}\` on ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${cpus().length} cores` +
    ` (shared: load average ${load.join(' ')} before, ${loadavg().map((l) => l.toFixed(1)).join(' ')} after).`,
  `Both packages packed with \`npm pack\` and installed from the tarball into fresh projects; "main" is ${BASELINE}.`,
  `Each command runs ${runs} times per side after one warm-up, in rounds of every row, new and main alternating; medians. Commands run in the consumer project.`,
  '',
  '| what | command | new | main (' + BASELINE + ') | target |',
  '| --- | --- | ---: | ---: | ---: |',
  ...results.map((r) => `| ${r.what} | \`${r.cmd}\` | ${r.new} | ${r.main} | ${Number.isNaN(r.target) ? '-' : `< ${r.target} ms ${r.newMs < r.target ? '(met)' : '(NOT met)'}`} |`),
  `| installed size, \`npm install <tarball>\` | bytes of files under node_modules/ | ${mb(size.new)} (${count('new')} packages, Dagger SDK ${dagger('new') ? 'installed' : 'not installed'}) | ${mb(size.main)} (${count('main')} packages, Dagger SDK ${dagger('main') ? 'installed' : 'not installed'}) | < 15 MB ${size.new < 15e6 ? '(met)' : '(NOT met)'} |`,
  '',
  '## Largest installed packages (new)',
  '',
  '| package | size |',
  '| --- | ---: |',
  ...top.slice(0, 10).map((t) => `| ${t.n} | ${mb(t.b)} |`),
  '',
]
writeFileSync(join(repo, 'bench/results/startup.md'), lines.join('\n'))
rmSync(tmp, { recursive: true, force: true })
process.stdout.write(lines.join('\n'))
