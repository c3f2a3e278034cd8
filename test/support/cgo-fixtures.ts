// The go-sqlite3 service the .cgo() tests and bench/cgo.ts build: a real
// query (a table, two rows, a count) that prints the library's version.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runTool, type ToolRun } from '../../src/util/run-tool.js'
import type { BuildResult } from '../../src/index.js'
import { dockerLoad, runContainer, type RunResult } from './runtime.js'

export const SQLITE_MODULE = 'github.com/mattn/go-sqlite3'
export const SQLITE_VERSION = 'v1.14.53'
/** What the program prints: `sqlite 3.x.y rows=2`. */
export const SQLITE_ANSWER = /^sqlite 3\.\d+\.\d+ rows=2\n$/

export const SQLITE_MAIN = `package main

import (
	"database/sql"
	"fmt"
	"os"

	_ "github.com/mattn/go-sqlite3"
)

func main() {
	db, err := sql.Open("sqlite3", ":memory:")
	if err == nil {
		_, err = db.Exec("create table t (n integer); insert into t values (1), (2)")
	}
	var version string
	var rows int
	if err == nil {
		err = db.QueryRow("select sqlite_version(), (select count(*) from t)").Scan(&version, &rows)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "query failed:", err)
		os.Exit(1)
	}
	fmt.Printf("sqlite %s rows=%d\\n", version, rows)
}
`

/** Calls SQLiteConn.SetFileControlInt, which only go-sqlite3's cgo files declare. */
export const FILE_CONTROL = `package main

import (
	"database/sql"
	"fmt"

	"github.com/mattn/go-sqlite3"
)

func main() {
	sql.Register("sqlite3_fc", &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		return c.SetFileControlInt("main", 5, 0)
	}})
	fmt.Println("registered")
}
`

/** A service whose own package declares answer() in a cgo file only. */
export const OWN_MAIN = 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println(answer())\n}\n'
export const OWN_CGO = 'package main\n\n// static int answer_c(void) { return 42; }\nimport "C"\n\nfunc answer() int {\n\treturn int(C.answer_c())\n}\n'

/** A Go module in `dir` with `files`, requiring `requires` (go mod tidy fills go.sum through the module proxy). */
export async function goModule(dir: string, module: string, files: Record<string, string>, requires: string[] = []): Promise<string> {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'go.mod'), `module ${module}\n\ngo 1.22\n${requires.map((r) => `\nrequire ${r}\n`).join('')}`)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  if (requires.length > 0) {
    const r = await runTool('go', ['mod', 'tidy'], { cwd: dir, env: { ...process.env, GOFLAGS: '-mod=mod' } })
    if (r.exitCode !== 0) throw new Error(`go mod tidy failed in ${dir}:\n${r.stderr}`)
  }
  return dir
}

/** The go-sqlite3 service in `dir`. */
export function sqliteModule(dir: string): Promise<string> {
  return goModule(dir, 'example.com/sqlite', { 'main.go': SQLITE_MAIN }, [`${SQLITE_MODULE} ${SQLITE_VERSION}`])
}

/** The query's output when the amd64 image runs in a real container (dockerd); `images` collects the loaded tag for cleanup. */
export async function runImage(r: BuildResult, tar: string, images: string[]): Promise<RunResult> {
  const image = await dockerLoad((await r.exportTarball(tar, { tag: `gostatic.local/${r.report.service}:${process.pid}` })).path)
  images.push(image)
  return runContainer(image)
}

/** The query's output when the arm64 binary runs under qemu-aarch64-static, called directly. */
export async function runUnderQemu(r: BuildResult, path: string): Promise<ToolRun> {
  return runTool('qemu-aarch64-static', [await r.exportBinary(path, 'linux/arm64')])
}
