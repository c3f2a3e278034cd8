// Start-up cost is mostly modules loaded: `import 'gostatic'` and `gostatic
// --version` must not load what they do not use. Checked on the static
// import graph of src/ (value imports only: `import type` and `await
// import()` load nothing at start-up); bench/startup.ts has the times.
import { readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = resolve(import.meta.dirname, '../../src')

/** Files and packages a module loads when it is imported, following static value imports. */
function closure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string) => {
    if (files.has(file)) return
    files.add(file)
    const text = readFileSync(resolve(SRC, file), 'utf8')
    for (const m of text.matchAll(/^(?:import|export) (?!type )(?:[^'"]*? from )?'([^']+)'/gm)) {
      const spec = m[1]!
      if (spec.startsWith('.')) visit(relative(SRC, resolve(dirname(resolve(SRC, file)), spec.replace(/\.js$/, '.ts'))))
      else if (!spec.startsWith('node:')) packages.add(spec)
    }
  }
  visit(entry)
  return { files, packages }
}

describe('start-up imports', () => {
  it("a plain `import 'gostatic'` loads no image reader, registry client, doctor, workspace build, engine or SBOM library", () => {
    const { files, packages } = closure('index.ts')
    expect(files.size).toBeGreaterThan(20) // it does see the graph
    // Reading a signing key is small and synchronous (its cipher loads with the first encrypted key).
    // So is checking a --push reference (registry/publish-ref.ts parses it; the client loads with the push).
    // And the --strict gate, a pure function of a report (it imports only types).
    const small = new Set(['attest/private-key.ts', 'attest/signer.ts', 'registry/publish-ref.ts', 'inspect/strict-failures.ts'])
    const large = /^(inspect|registry|oci|workspace\/build-workspace\.ts|engines\/local|attest)\b|^doctor\/doctor\.ts$/
    const heavy = [...files].filter((f) => !small.has(f) && large.test(f))
    expect(heavy).toEqual([])
    expect([...packages].sort()).toEqual(['zod'])
  })

  it('`gostatic --version` loads no flag parser and no zod', () => {
    const { files, packages } = closure('cli/main.ts')
    expect([...files].filter((f) => f.startsWith('cli/parse-cli') || f.startsWith('spec/'))).toEqual([])
    expect([...packages]).toEqual([])
  })
})
