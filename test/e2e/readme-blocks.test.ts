// Every code block in README.md is run, so the docs cannot drift from the code.
// The HTML comment right above a block says how (GitHub does not show it):
//   <!-- readme-test: run -->                 shell: bash in a sandbox Go module with the real CLI as `gostatic`
//                                             and `npx gostatic`; TypeScript: typechecked, then run with tsx there
//   <!-- readme-test: run needs=upx,docker --> the same, skipped naming what is missing (registry, docker or a tool)
//   <!-- readme-test: typecheck -->           a TypeScript fragment: typechecked, with `svc` and `result` declared
//   <!-- readme-test: skip: <why> -->         not run, and why; the number of these is capped
// A block without a comment fails the test.
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { missing } from '../support/tools.js'
import { missingDocker, missingRegistry, REGISTRY } from '../support/runtime.js'

const ROOT = resolve(import.meta.dirname, '../..')
/** The most blocks the README may leave unrun: each says why in its comment. */
const MAX_SKIPPED = 9

type Mark =
  | { kind: 'run'; needs: string[] }
  | { kind: 'typecheck' }
  | { kind: 'skip'; reason: string }
  | { kind: 'none'; comment: string }
interface Block {
  line: number
  lang: string
  code: string
  mark: Mark
}

export function readmeBlocks(text: string): Block[] {
  const lines = text.split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(\S*)\s*$/.exec(lines[i]!)
    if (!open) continue
    const end = lines.findIndex((l, j) => j > i && l.startsWith(open[1]!) && l.trim() === open[1])
    if (end < 0) throw new Error(`README.md:${i + 1}: a code block that is never closed`)
    let k = i - 1
    while (k >= 0 && lines[k]!.trim() === '') k--
    blocks.push({ line: i + 1, lang: open[2]!, code: lines.slice(i + 1, end).join('\n'), mark: markOf(lines[k] ?? '') })
    i = end
  }
  return blocks
}

function markOf(line: string): Mark {
  const m = /^<!-- readme-test: (.*?) -->$/.exec(line.trim())
  if (!m) return { kind: 'none', comment: line }
  const [word, ...rest] = m[1]!.split(' ')
  if (word === 'run') return { kind: 'run', needs: rest.flatMap((r) => r.replace(/^needs=/, '').split(',')) }
  if (word === 'typecheck') return { kind: 'typecheck' }
  if (word === 'skip:') return { kind: 'skip', reason: rest.join(' ') }
  return { kind: 'none', comment: line }
}

const blocks = readmeBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'))
const isTs = (b: Block) => b.lang === 'ts' || b.lang === 'typescript'
const isSh = (b: Block) => b.lang === 'sh' || b.lang === 'bash' || b.lang === 'shell'

// The sandbox: a Go module (a copy of examples/hello) with the folders README examples name.
const sandbox = mkdtempSync(join(tmpdir(), 'gostatic-readme-'))
afterAll(() => rmSync(sandbox, { recursive: true, force: true }))

function newSandbox(name: string): string {
  const dir = join(sandbox, name)
  const filter = (src: string) => !src.includes('gostatic-out')
  cpSync(join(ROOT, 'examples/hello'), dir, { recursive: true, filter })
  cpSync(join(ROOT, 'examples/hello'), join(dir, 'examples/hello'), { recursive: true, filter })
  mkdirSync(join(dir, 'certs'))
  // gostatic installed, as `npm install gostatic` leaves it (a config that `gostatic init` wrote imports it).
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(ROOT, join(dir, 'node_modules/gostatic'))
  // `gostatic` in code means this checkout's sources, for tsx and tsc alike.
  const paths = { gostatic: [join(ROOT, 'src/index.ts')] }
  const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''))
  tsconfig.compilerOptions = {
    ...tsconfig.compilerOptions,
    paths,
    noUnusedLocals: false,
    typeRoots: [join(ROOT, 'node_modules/@types')],
  }
  tsconfig.include = ['*.ts']
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig))
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  return dir
}

/** `gostatic`, `npx gostatic` and `npx tsx` as a user with gostatic installed would have them. */
function shims(): string {
  const bin = join(sandbox, 'bin')
  mkdirSync(bin, { recursive: true })
  const node = process.execPath
  const cli = join(ROOT, 'bin/gostatic.js')
  const tsx = join(ROOT, 'node_modules/tsx/dist/cli.mjs')
  writeFileSync(join(bin, 'gostatic'), `#!/bin/sh\nexec '${node}' '${cli}' "$@"\n`)
  writeFileSync(
    join(bin, 'npx'),
    `#!/bin/sh\ncase "$1" in\n  gostatic) shift; exec '${node}' '${cli}' "$@" ;;\n` +
      `  tsx) shift; exec '${node}' '${tsx}' "$@" ;;\nesac\necho "npx $1: not shimmed" >&2; exit 127\n`,
  )
  for (const f of ['gostatic', 'npx']) chmodSync(join(bin, f), 0o755)
  return bin
}

/** The README's registry address, pointed at the test registry. */
const forRegistry = (code: string) => code.replaceAll('127.0.0.1:5000', REGISTRY)

/** What a fragment uses without declaring it: the API's entry points, a service and a build result. */
function prelude(code: string): string {
  const names = ['goService', 'goWorkspace', 'defineConfig'].filter(
    (n) => !new RegExp(`import [^\\n]*\\b${n}\\b`).test(code),
  )
  const declared = (n: string) => new RegExp(`\\b(const|let) ${n}\\b`).test(code)
  return (
    `import { ${[...names, 'type GoService'].join(', ')} } from 'gostatic'\n` +
    (declared('svc') ? '' : 'declare const svc: GoService\n') +
    (declared('result') ? '' : "declare const result: Awaited<ReturnType<GoService['build']>>\n")
  )
}

/** A sandbox that is a git checkout with one commit, as a user's module usually is (--tag git reads it). */
function commitAll(dir: string): void {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
  }
  for (const args of [
    ['init', '-q'],
    ['add', '-A'],
    ['commit', '-qm', 'readme sandbox'],
  ])
    execFileSync('git', args, { cwd: dir, env })
}

async function why(needs: readonly string[]): Promise<string | false> {
  for (const n of needs) {
    const r = n === 'registry' ? await missingRegistry() : n === 'docker' ? await missingDocker() : missing(n)
    if (r) return r
  }
  return false
}

describe('README code blocks', () => {
  it('finds the blocks', () => {
    expect(blocks.length).toBeGreaterThan(10)
  })

  it('each is run or says why not, in a comment right above it', () => {
    const bare = blocks
      .filter((b) => b.mark.kind === 'none')
      .map((b) => `README.md:${b.line} (${b.lang || 'no language'})`)
    expect(bare).toEqual([])
    const wrong = blocks.filter(
      (b) => (b.mark.kind === 'run' && !isTs(b) && !isSh(b)) || (b.mark.kind === 'typecheck' && !isTs(b)),
    )
    expect(wrong.map((b) => `README.md:${b.line}: ${b.mark.kind} of a ${b.lang || 'plain'} block`)).toEqual([])
  })

  it(`leaves at most ${MAX_SKIPPED} unrun, each with a reason`, () => {
    const skipped = blocks.flatMap((b) => (b.mark.kind === 'skip' ? [b] : []))
    for (const b of skipped)
      expect(b.mark.kind === 'skip' && b.mark.reason.length, `README.md:${b.line}`).toBeGreaterThan(15)
    expect(skipped.length).toBeLessThanOrEqual(MAX_SKIPPED)
  })

  it('knows a block with no comment, and the marks', () => {
    const b = readmeBlocks(
      'text\n\n```sh\nls\n```\n<!-- readme-test: skip: shown for its output only -->\n```\nx\n```\n',
    )
    expect(b.map((x) => x.mark.kind)).toEqual(['none', 'skip'])
    expect(readmeBlocks('<!-- readme-test: run needs=upx,docker -->\n```ts\n1\n```\n')[0]!.mark).toEqual({
      kind: 'run',
      needs: ['upx', 'docker'],
    })
  })

  it('TypeScript blocks typecheck against the sources', () => {
    const dir = newSandbox('typecheck')
    const ts = blocks.filter((b) => isTs(b) && (b.mark.kind === 'run' || b.mark.kind === 'typecheck'))
    expect(ts.length).toBeGreaterThan(3)
    for (const b of ts)
      writeFileSync(
        join(dir, `block-${b.line}.ts`),
        `${b.mark.kind === 'typecheck' ? prelude(b.code) : ''}${b.code}\nexport {}\n`,
      )
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], {
      encoding: 'utf8',
    })
    expect(r.stdout + r.stderr).toBe('')
    expect(r.status).toBe(0)
  }, 300_000)

  const runs = blocks.filter((b) => b.mark.kind === 'run')
  for (const b of runs) {
    const needs = b.mark.kind === 'run' ? b.mark.needs : []
    it(`README.md:${b.line} (${b.lang}) runs${needs.length ? ` (needs ${needs.join(', ')})` : ''}`, async (ctx) => {
      const skip = await why(needs)
      if (skip) return ctx.skip(skip)
      const dir = newSandbox(`block-${b.line}`)
      const env = { ...process.env, PATH: `${shims()}:${process.env.PATH}` }
      if (isTs(b)) {
        writeFileSync(join(dir, 'pipeline.ts'), b.code)
        const tsx = join(ROOT, 'node_modules/tsx/dist/cli.mjs')
        execFileSync(process.execPath, [tsx, 'pipeline.ts'], { cwd: dir, env, stdio: 'pipe', timeout: 600_000 })
      } else {
        commitAll(dir)
        const r = spawnSync('bash', ['-euo', 'pipefail', '-c', forRegistry(b.code)], {
          cwd: dir,
          env,
          encoding: 'utf8',
        })
        expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0)
      }
    }, 600_000)
  }
})
