// The benchmark's workspace: one module, N services (cmd/svcNN) sharing 10
// internal packages (pkg/p0..p9) and real third-party modules from the module
// proxy: prometheus client_golang (with promhttp) and the chi router. pkg/half
// is imported by the first half of the services only: the "shared package used
// by half" case changes it.
import { execFileSync } from 'node:child_process'
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

export const MODULE = 'example.com/peers'
export const REQUIRES = ['github.com/prometheus/client_golang@v1.20.5', 'github.com/go-chi/chi/v5@v5.1.0']

function write(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true })
  writeFileSync(join(root, rel), text)
}

function sharedPackage(i: number): string {
  // Each package does real work and pulls in a third-party package, as platform libraries do.
  const imp = i % 2 === 0 ? '"github.com/prometheus/client_golang/prometheus"' : '"github.com/go-chi/chi/v5"'
  const counter = `prometheus.NewCounterVec(prometheus.CounterOpts{Name: "p${i}_requests_total"}, []string{"code"})`
  const handler = `func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(Name())) }`
  const use = i % 2 === 0 ? `var Requests = ${counter}` : `func Mount(r chi.Router) { r.Get("/p${i}", ${handler}) }`
  return `package p${i}\n\nimport (\n\t"net/http"\n\t"strings"\n\t${imp}\n)\n\n` +
    `var _ = http.StatusOK\n\n${use}\n\n` +
    `// Name is the package's name, upper-cased.\nfunc Name() string { return strings.ToUpper("p${i}") }\n`
}

function service(j: number, n: number): string {
  const pkgs = [...new Set([j % 10, (j + 3) % 10, (j + 7) % 10])].sort((a, b) => a - b)
  const half = j < Math.ceil(n / 2)
  const imports = [...pkgs.map((p) => `"${MODULE}/pkg/p${p}"`), ...(half ? [`"${MODULE}/pkg/half"`] : [])]
  const names = [...pkgs.map((p) => `p${p}.Name()`), ...(half ? ['half.Name()'] : [])]
  return `package main\n\nimport (\n\t"fmt"\n\t"net/http"\n\t"os"\n\n` +
    `\t"github.com/go-chi/chi/v5"\n` +
    `\t"github.com/prometheus/client_golang/prometheus/promhttp"\n${imports.map((i) => `\t${i}\n`).join('')})\n\n` +
    `func main() {\n\tif len(os.Args) > 1 && os.Args[1] == "--version" {\n` +
    `\t\tfmt.Println("svc${j}", ${names.join(', ')})\n` +
    `\t\treturn\n\t}\n\tr := chi.NewRouter()\n\tr.Handle("/metrics", promhttp.Handler())\n` +
    `\t_ = http.ListenAndServe(":8080", r)\n}\n`
}

/** Writes the workspace and resolves its modules (go mod tidy reaches the module proxy once). */
export function makeWorkspace(root: string, n: number, env: NodeJS.ProcessEnv): string[] {
  write(root, 'go.mod', `module ${MODULE}\n\ngo 1.22\n`)
  for (let i = 0; i < 10; i++) write(root, `pkg/p${i}/p${i}.go`, sharedPackage(i))
  write(root, 'pkg/half/half.go', 'package half\n\n// Name is used by half the services.\nfunc Name() string { return "half" }\n')
  const dirs: string[] = []
  for (let j = 0; j < n; j++) {
    const dir = `cmd/svc${String(j).padStart(2, '0')}`
    write(root, `${dir}/main.go`, service(j, n))
    dirs.push(dir)
  }
  write(root, 'README.md', '# benchmark workspace\n')
  for (const r of REQUIRES) execFileSync('go', ['get', r], { cwd: root, env, stdio: 'pipe' })
  execFileSync('go', ['mod', 'tidy'], { cwd: root, env, stdio: 'pipe' })
  return dirs
}

/** A change to one service's main package. */
export function touchService(root: string, dir: string, n: number): void {
  appendFileSync(join(root, dir, 'main.go'), `\nconst changed${n} = ${n}\n`)
}

/** A change to pkg/half, which half the services import. */
export function touchHalf(root: string, n: number): void {
  appendFileSync(join(root, 'pkg/half/half.go'), `\nconst Changed${n} = ${n}\n`)
}
