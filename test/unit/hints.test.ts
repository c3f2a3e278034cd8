// The hint table (src/hints.ts): every phrase has a CLI form that names flags (or the
// config file) and an API form that names builder calls; the surface in use picks
// one; and no message names a file of this repository that the published package
// does not ship (a user who installed gostatic has no scripts/ or examples/).
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { HINTS, hint, surface, useSurface, type HintId } from '../../src/hints.js'
import { upxPlatformRule } from '../../src/spec/upx-platforms.js'

const ROOT = resolve(import.meta.dirname, '../..')
const SRC = join(ROOT, 'src')

// Every form, filled in with a sample for each parameter shape the table uses.
const SAMPLES: Record<string, unknown> = {
  cgo: { toolchain: 'zig' },
  timezones: { zones: ['Europe/Berlin', '...'] },
  platforms: { platforms: ['linux/amd64', 'linux/arm64'] },
}
const sample = (id: string) =>
  SAMPLES[id] ?? new Proxy({}, { get: (_t, k) => (typeof k === 'string' ? `<${k}>` : undefined), has: () => true })
const forms = (Object.keys(HINTS) as HintId[]).map((id) => {
  const f = HINTS[id] as { cli: (p: unknown) => string; api: (p: unknown) => string }
  return { id, cli: f.cli(sample(id)), api: f.api(sample(id)) }
})

/** A builder call or option object: `.cgo(`, `upx(`, `needs({`, `registryAuth:`. */
const BUILDER = /(^|[\s(])\.?[a-z][A-Za-z]*\((\{|\)|'|\[|\.\.\.)|\b[a-z][A-Za-z]*(\.[a-z]\w*)?: \{|\bsign\.password\b/

afterEach(() => useSurface('api'))

describe('hint table', () => {
  it('has both forms of every phrase, and they differ where a flag exists', () => {
    expect(forms.length).toBeGreaterThan(20)
    for (const f of forms) {
      expect(f.cli, f.id).not.toBe('')
      expect(f.api, f.id).not.toBe('')
    }
    expect(forms.filter((f) => f.cli !== f.api).length).toBe(forms.length)
  })

  it('a CLI form names a flag, an environment variable or the config file; only config forms name calls', () => {
    for (const f of forms) {
      const names = /--[a-z]|\[dir\]|\b[A-Z][A-Z0-9_]{3,}\b|gostatic\.config\.ts/.test(f.cli)
      expect(names, `${f.id}: ${f.cli}`).toBe(true)
      if (BUILDER.test(f.cli)) expect(f.cli, f.id).toContain('in a gostatic.config.ts')
    }
  })

  it('an API form names no CLI flag', () => {
    for (const f of forms) expect(f.api, f.id).not.toMatch(/(^|\s)--[a-z]/)
  })

  it('the surface picks the form: the API by default, the CLI once it says so', () => {
    expect(surface()).toBe('api')
    expect(hint('timezones', { zones: 'all' })).toBe(".timezones('all')")
    expect(hint('cgo')).toBe('.cgo()')
    expect(upxPlatformRule('linux/arm64', false)).toContain('pass upx({ policy: { allowArm64: true } })')
    useSurface('cli')
    expect(hint('timezones', { zones: 'all' })).toBe('--timezones all')
    expect(hint('timezones', { zones: ['Europe/Berlin', 'UTC'] })).toBe('--timezones Europe/Berlin,UTC')
    expect(hint('cgo', { toolchain: 'zig' })).toBe('--cgo zig')
    expect(upxPlatformRule('linux/arm64', false)).toContain('in a gostatic.config.ts')
    expect(upxPlatformRule('linux/riscv64', false)).toContain('Remove --upx or the platform')
  })
})

/** What `npm pack` would ship, by npm's own reckoning (no build: the list follows package.json `files`). */
function packed(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })
  return (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path)
}

/** The repository's top-level files and folders that the package does not ship: no message may name them. */
function unshipped(): string[] {
  const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean)
  const tops = [...new Set(tracked.map((p) => (p.includes('/') ? `${p.split('/')[0]}/` : p)))]
  const ship = packed()
  // .gitignore is also the name of a file gostatic writes into its output folder, not a path into this repository.
  return tops.filter((t) => t !== '.gitignore' && !ship.some((p) => p === t || p.startsWith(t)))
}

const names = (text: string, top: string) =>
  new RegExp(`(^|[^\\w./-])${top.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${top.endsWith('/') ? '' : '\\b'}`).test(text)

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

describe('messages name only what the package ships', () => {
  const gone = unshipped()

  it('knows which repository paths do not ship', () => {
    expect(gone).toEqual(expect.arrayContaining(['scripts/', 'examples/', 'test/', 'src/']))
    expect(gone).not.toContain('dist/')
    expect(gone).not.toContain('README.md')
  })

  it('no hint form names one', () => {
    const bad = forms.flatMap((f) =>
      [f.cli, f.api].filter((t) => gone.some((g) => names(t, g))).map((t) => `${f.id}: ${t}`),
    )
    expect(bad).toEqual([])
  })

  it('no string in src/ names one (comments aside)', () => {
    const bad: string[] = []
    for (const file of sources(SRC)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.trim()
          if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return
          for (const m of code.matchAll(/'[^']*'|"[^"]*"|`[^`]*`/g))
            for (const g of gone) if (names(m[0], g)) bad.push(`${relative(ROOT, file)}:${i + 1}: ${g} in ${m[0]}`)
        })
    }
    expect(bad).toEqual([])
  })

  it('would catch the hint that named scripts/dagger-engine.sh', () => {
    const old = 'start it (scripts/dagger-engine.sh up) and export what `scripts/dagger-engine.sh env` prints'
    expect(gone.some((g) => names(old, g))).toBe(true)
    expect(gone.some((g) => names('linux/amd64 or Europe/Berlin or example.com/test/x', g))).toBe(false)
  })
})
