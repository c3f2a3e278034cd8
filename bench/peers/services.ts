// The three services bench/peers.ts builds, each copied into a work folder
// so the one-line edits never touch the repository or the module cache:
// examples/hello, node_exporter and caddy at pinned versions, fetched
// through the Go module proxy (`go mod download -json`).
import { execFileSync } from 'node:child_process'
import { chmodSync, cpSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export type Service = {
  name: string
  /** Where it comes from: a repo folder or module@version. */
  origin: string
  /** The work copy both tools build. */
  dir: string
  /** The main package, relative to dir, as both tools take it. */
  main: string
  /** The file the one-line edit goes into (the main package). */
  mainFile: string
}

const MODULES = {
  node_exporter: { module: 'github.com/prometheus/node_exporter', version: 'v1.8.2', main: '.', file: 'node_exporter.go' },
  caddy: { module: 'github.com/caddyserver/caddy/v2', version: 'v2.11.9', main: './cmd/caddy', file: 'cmd/caddy/main.go' },
} as const

export function prepareServices(names: readonly string[], repo: string, work: string): Service[] {
  return names.map((name) => {
    const dir = join(work, name)
    if (name === 'hello') {
      cpSync(join(repo, 'examples/hello'), dir, { recursive: true, filter: (p) => !p.endsWith('pipeline.ts') })
      return withEditLine({ name, origin: 'examples/hello', dir, main: '.', mainFile: join(dir, 'main.go') })
    }
    const m = MODULES[name as keyof typeof MODULES]
    if (!m) throw new Error(`unknown service ${name} (hello, node_exporter, caddy)`)
    const json = execFileSync('go', ['mod', 'download', '-json', `${m.module}@${m.version}`], { encoding: 'utf8' })
    const info = JSON.parse(json) as { Dir?: string; Error?: string }
    if (!info.Dir) throw new Error(`go mod download ${m.module}@${m.version}: ${info.Error ?? 'no Dir'}`)
    cpSync(info.Dir, dir, { recursive: true })
    makeWritable(dir) // the module cache is read-only
    execFileSync('go', ['mod', 'download'], { cwd: dir, stdio: 'ignore' }) // dependencies, untimed
    return withEditLine({ name, origin: `${m.module}@${m.version}`, dir, main: m.main, mainFile: join(dir, m.file) })
  })
}

function makeWritable(dir: string): void {
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name)
    chmodSync(p, statSync(p).mode | 0o200)
  }
  chmodSync(dir, statSync(dir).mode | 0o200)
}

const SINK = 'var gostaticBenchSink string'
const EDIT = /^func init\(\) \{ gostaticBenchSink = ".*" \}$/m

/** Adds, untimed, the variable the edits assign and the line they rewrite. */
function withEditLine(s: Service): Service {
  writeFileSync(s.mainFile, `${readFileSync(s.mainFile, 'utf8')}\n${SINK}\n${editLine(0)}\n`)
  return s
}

/**
 * A one-line change: a string in the main package gets new text of a new
 * length each time, as a reworded message would. Both the code and the data
 * after it move, so nothing of the previous binary is reusable by accident.
 */
export function edit(s: Service, n: number): void {
  const text = readFileSync(s.mainFile, 'utf8')
  if (!EDIT.test(text)) throw new Error(`${s.mainFile} lost its edit line`)
  writeFileSync(s.mainFile, text.replace(EDIT, editLine(n)))
}

function editLine(n: number): string {
  return `func init() { gostaticBenchSink = "edit ${n}${'.'.repeat(n % 13)}" }`
}
