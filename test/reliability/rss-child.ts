// Runs one read of hostile input in its own process and prints what came of
// it with the process's peak RSS, so the test measures this read alone.
// Usage: tsx rss-child.ts <kind> <arg>; kinds: inspect (an archive or a registry reference), files
// (an archive's file set, as the Dagger engine reads a base), pull (a
// reference, into a blob cache, then its file set, as the local engine does).
import { inspect } from '../../src/api/inspect-target.js'
import { openImageTree, readOciArchive } from '../../src/oci/oci-reader.js'
import { openBuiltLayersTree } from '../../src/oci/image-tree.js'
import { pullImage } from '../../src/registry/pull-image.js'
import { isGostaticError } from '../../src/errors.js'

const [kind, arg, extra] = process.argv.slice(2)
const platform = { os: 'linux', architecture: 'amd64' }

const runs: Record<string, () => Promise<unknown>> = {
  inspect: async () => {
    const r = await inspect(arg!)
    return r.kind === 'image' ? r.platforms.map((p) => p.verdicts.entrypoint) : r.kind
  },
  files: async () => {
    const files = await (await openImageTree(await readOciArchive(arg!), platform)).files()
    return files.entries.size
  },
  pull: async () => {
    const pulled = await pullImage(arg!, [platform], { cacheDir: extra ?? null })
    const files = await (await openBuiltLayersTree(pulled.images[0]!.layers)).files()
    return files.entries.size
  },
}

let out: object
try {
  out = { ok: true, value: await runs[kind!]!() }
} catch (e) {
  out = isGostaticError(e) ? { ok: false, code: e.code, message: e.message } : { ok: false, code: 'UNTYPED', message: String(e) }
}
// maxRSS is in kilobytes.
process.stdout.write(JSON.stringify({ ...out, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n')
