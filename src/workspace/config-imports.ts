// The config file and the local files it imports (a config often imports
// its pipeline.ts, as examples/monorepo does): a change to any of them may
// change every service's spec. Relative import specifiers are followed;
// packages (gostatic, node:*) are not inputs of the repository.
import { readFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g
const SOURCE_EXTS = ['', '.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json', '/index.ts', '/index.js']

export function configFiles(configFile: string): string[] {
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      return // unreadable: loading the config reports it
    }
    for (const m of text.matchAll(SPECIFIER)) {
      const found = candidates(resolve(dirname(file), m[1]!))[0]
      if (found) visit(found)
    }
  }
  visit(resolve(configFile))
  return [...seen]
}

/** TypeScript lets `./pipeline.js` name pipeline.ts. */
function candidates(spec: string): string[] {
  const bare = spec.replace(/\.(m|c)?js$/, '')
  return [spec, ...SOURCE_EXTS.map((e) => bare + e), ...SOURCE_EXTS.map((e) => spec + e)].filter(isFile)
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile()
  } catch {
    return false
  }
}
