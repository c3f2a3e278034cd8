// The repository's shell scripts (scripts/**/*.sh and .ci/run) pass the real
// shellcheck, so a quoting or word-splitting slip in CI's own setup is caught
// by `npm test` rather than by a half-configured machine.
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { exec } from '../support/runtime.js'
import { missing } from '../support/tools.js'

const root = resolve('.')
const tmp = mkdtempSync(join(tmpdir(), 'gostatic-shellcheck-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** Every *.sh under scripts/, at any depth, plus .ci/run; sorted, relative to the repository. */
function scripts(): string[] {
  const found = readdirSync(join(root, 'scripts'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.sh'))
    .map((e) => relative(root, join(e.parentPath, e.name)))
  return [...found, '.ci/run'].sort()
}

describe.skipIf(missing('shellcheck'))('shell scripts', () => {
  it('lints every script under scripts/ and .ci/run', () => {
    expect(scripts()).toEqual(expect.arrayContaining(['.ci/run', 'scripts/install-tools.sh', 'scripts/lib/daemon.sh', 'scripts/services.sh']))
  })

  it('pass shellcheck, following the files they source', async () => {
    // -x follows `source` lines; their `# shellcheck source=` paths are relative to the
    // repository, which is vitest's working directory.
    const r = await exec('shellcheck', ['-x', ...scripts()])
    expect(r.stdout + r.stderr).toBe('')
    expect(r.exitCode).toBe(0)
  })

  it('would report an unquoted expansion (the lint is really running)', async () => {
    const bad = join(tmp, 'bad.sh')
    writeFileSync(bad, '#!/usr/bin/env bash\nrm -rf $1/cache\n')
    const r = await exec('shellcheck', ['-f', 'gcc', bad])
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toContain('SC2086')
  })
})
