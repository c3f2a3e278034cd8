// The builder shell text the Dockerfile and the Dagger builder share, run by
// a real sh against stand-in strip tools (the real ones are e2e's business).
import { afterAll, describe, expect, it } from 'vitest'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { installLine, parseStripRecord, stripLoop } from '../../src/render/builder-shell.js'

const tmp = mkdtempSync(join(tmpdir(), 'gostatic-builder-shell-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const bin = join(tmp, 'bin')
mkdirSync(bin)
const tool = (name: string, body: string) => {
  writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`)
  chmodSync(join(bin, name), 0o755)
}
// Like GNU strip on a foreign ELF: fails with a message and leaves the file alone.
tool('foreign-strip', 'echo "foreign-strip: $2: file format not recognized" >&2\necho "foreign-strip: Unable to recognise the format of the input file \'$2\'" >&2\nexit 1')
tool('good-strip', 'printf stripped > "$2"')

function run(candidates: string[], record?: string) {
  const out = join(tmp, `binary-${candidates.join('-')}`)
  writeFileSync(out, 'unstripped')
  const script = stripLoop({ candidates, args: ['--strip-unneeded'], skipWarning: "no strip reads this target's ELF" }, out, record)
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin` } })
  return { ...r, out, content: readFileSync(out, 'utf8'), leftover: existsSync(`${out}.strip`) }
}

describe('builder shell: strip loop', () => {
  it('moves on past absent and failing tools, and records the one that stripped', () => {
    const record = join(tmp, 'ok.record')
    const r = run(['not-installed-strip', 'foreign-strip', 'good-strip'], record)
    expect({ status: r.status, content: r.content, leftover: r.leftover, stderr: r.stderr }).toEqual({ status: 0, content: 'stripped', leftover: false, stderr: '' })
    expect(parseStripRecord(readFileSync(record, 'utf8'))).toEqual({ kind: 'stripped', tool: 'good-strip' })
  })

  it('keeps the binary, warns and records every failure when no tool can strip it', () => {
    const record = join(tmp, 'skip.record')
    const r = run(['not-installed-strip', 'foreign-strip'], record)
    expect({ status: r.status, content: r.content, leftover: r.leftover }).toEqual({ status: 0, content: 'unstripped', leftover: false })
    expect(r.stderr).toBe("warning: no strip reads this target's ELF\n")
    expect(parseStripRecord(readFileSync(record, 'utf8'))).toEqual({ kind: 'skipped', tried: [`foreign-strip: foreign-strip: Unable to recognise the format of the input file '${r.out}.strip'`] })
  })

  it('runs the same without a record file (the Dockerfile form)', () => {
    expect(run(['foreign-strip', 'good-strip'])).toMatchObject({ status: 0, content: 'stripped', leftover: false })
  })
})

describe('builder shell: install line', () => {
  it('installs each package once, only when a command is missing', () => {
    const tools = [
      { command: 'strip', package: 'binutils' },
      { command: 'upx', package: 'upx' },
      { command: 'unzip', package: 'unzip' },
    ]
    expect(installLine({ manager: 'apk', tools })).toBe('command -v strip >/dev/null && command -v upx >/dev/null && command -v unzip >/dev/null || (apk add --no-cache binutils upx unzip)')
    expect(installLine({ manager: 'apt', tools: [{ command: 'strip', package: 'binutils' }, { command: 'objcopy', package: 'binutils' }] })).toBe(
      'command -v strip >/dev/null && command -v objcopy >/dev/null || (apt-get update && apt-get install -y --no-install-recommends binutils && rm -rf /var/lib/apt/lists/*)',
    )
    expect(installLine({ manager: 'apk', tools: [] })).toBe('')
  })
})
